#include "execution-service/events/event_row.h"

#include <string>

namespace mc::execution {

void ReadEventFields(const pg::Row& r, NewEvent* e) {
  e->type = r.Get<std::string>("event_type");
  e->email = r.Text("email");
  e->mobile_phone = r.Text("mobile_phone");
  e->device_token = r.Text("device_token");
  e->wished_channel = r.Get<int>("wished_channel");
  e->external_id = r.Text("external_id");
  e->origin = r.Text("origin");
  e->language = r.Text("language");
  e->country = r.Text("country");
  e->ctx_json = r.Get<std::string>("ctx");
}

}  // namespace mc::execution
