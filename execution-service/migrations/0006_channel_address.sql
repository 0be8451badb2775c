-- The address an event's wished channel uses: its email (0), its mobile phone (1), else its
-- device token (push), exactly as stored. The one SQL form of the rule, for the statements that
-- read an event's address (the quarantine test of delivery, the archive export); C++ has
-- ChannelAddress() (execution-service/events/address_key.h) for the sender, and a pgtest keeps
-- the two equal. One CASE, IMMUTABLE and not STRICT: the planner inlines it into each statement,
-- so it costs what the CASE written there did.
CREATE FUNCTION channel_address(channel integer, email text, mobile_phone text,
                                device_token text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE channel WHEN 0 THEN email WHEN 1 THEN mobile_phone ELSE device_token END
$$;
