-- Addresses compared as keys (quarantine and deny list): a hard bounce of someone@example.test
-- also stops someone@EXAMPLE.TEST. The events keep their addresses as the caller gave them.

-- The key of an address on a channel (the same rule as AddressKey() in
-- execution-service/events/address_key.h):
--  - email (0): the domain in ASCII lower case (domains are case-insensitive, RFC 5321 section
--    2.4; COLLATE "C" keeps lower() to ASCII), the local part as given; split at the last '@';
--  - SMS (1): a phone number (optional '+' after leading spaces, then digits and the separators
--    " ().-", 6 to 15 digits) with its separators dropped, as ingestion stores it;
--  - anything else as given.
CREATE FUNCTION address_key(channel integer, address text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN channel = 0 AND strpos(address, '@') > 0 THEN
      left(address, length(address) - strpos(reverse(address), '@') + 1) ||
      lower(right(address, strpos(reverse(address), '@') - 1) COLLATE "C")
    WHEN channel = 1 AND address ~ '^ *\+?[0-9 ().-]*$'
         AND regexp_replace(address, '[^0-9]', '', 'g') ~ '^[0-9]{6,15}$' THEN
      regexp_replace(address, '[ ().-]', '', 'g')
    ELSE address
  END
$$;

-- Rows already there become keys. Where two rows share one key, the deny row (the operator's
-- decision) is kept over a quarantine row, else the oldest.
DELETE FROM quarantine q
USING (SELECT channel, address,
              row_number() OVER (PARTITION BY channel, address_key(channel, address)
                                 ORDER BY kind = 'deny' DESC, created_at, address) AS n
       FROM quarantine) d
WHERE q.channel = d.channel AND q.address = d.address AND d.n > 1;
UPDATE quarantine SET address = address_key(channel, address)
WHERE address <> address_key(channel, address);

-- Every row is a key, also the deny rows operators write by hand:
--   INSERT INTO quarantine (channel, address, kind, reason)
--   VALUES (0, address_key(0, 'Someone@Example.TEST'), 'deny', 'asked to stop');
ALTER TABLE quarantine ADD CONSTRAINT quarantine_address_is_key
  CHECK (address = address_key(channel, address));
