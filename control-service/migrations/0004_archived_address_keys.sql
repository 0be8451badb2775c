-- Archived quarantine and deny-list rows hold address keys, as the execution instances' own
-- rows do (execution-service/migrations/0004_address_keys.sql): someone@example.test and
-- someone@EXAMPLE.TEST are one archived address.

-- The key of an address on a channel; the same rule as the execution instance's address_key()
-- (execution-service/events/address_key.h): an email's domain in ASCII lower case, its local
-- part as given (split at the last '@'); a phone number with its separators dropped; anything
-- else as given.
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

-- Rows already there become keys. Where two rows of an account share one key, the deny row is
-- kept over a quarantine row, else the most recently archived.
DELETE FROM archived_quarantine q
USING (SELECT account, channel, address,
              row_number() OVER (PARTITION BY account, channel, address_key(channel, address)
                                 ORDER BY kind = 'deny' DESC, archived_at DESC, address) AS n
       FROM archived_quarantine) d
WHERE q.account = d.account AND q.channel = d.channel AND q.address = d.address AND d.n > 1;
UPDATE archived_quarantine SET address = address_key(channel, address)
WHERE address <> address_key(channel, address);
