#include "tests/support/numbered_mail.h"

namespace mc::e2e {

namespace v1 = messagecenter::v1;

v1::Template NumberedMailTemplate(const std::string& internal_name, const std::string& event_type,
                                  const std::string& subject_prefix) {
  v1::Template t;
  t.set_internal_name(internal_name);
  t.set_event_type(event_type);
  t.set_channel(v1::CHANNEL_EMAIL);
  t.set_version(1);
  t.set_subject(subject_prefix + " <%= rtEvent.ctx.n %>");
  t.set_text_body("Message <%= rtEvent.ctx.n %>");
  return t;
}

}  // namespace mc::e2e
