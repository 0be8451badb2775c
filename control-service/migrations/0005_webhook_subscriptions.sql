-- Status-webhook subscriptions (issue 13), authored on the control and published to every
-- enabled execution instance. version: each change is the next one, published as it is.
-- secret: the current signing secret ("whsec_..."); previous_secret: the one a rotation
-- replaced, signing beside it until previous_secret_expires. Secrets are write-only: kept to
-- publish them (to instances added later too), never returned by the API.
CREATE TABLE webhook_subscriptions (
  name                    text PRIMARY KEY,
  url                     text NOT NULL,
  -- messagecenter.v1.EventStatus numbers; empty: every final status.
  statuses                smallint[] NOT NULL DEFAULT '{}',
  -- Empty: every event type.
  event_types             text[] NOT NULL DEFAULT '{}',
  every_attempt           boolean NOT NULL DEFAULT false,
  max_batch               integer NOT NULL DEFAULT 0 CHECK (max_batch BETWEEN 0 AND 500),
  disabled                boolean NOT NULL DEFAULT false,
  version                 integer NOT NULL CHECK (version > 0),
  secret                  text NOT NULL,
  previous_secret         text,
  previous_secret_expires timestamptz,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CHECK ((previous_secret IS NULL) = (previous_secret_expires IS NULL))
);
