#include "common/testing/template_samples.h"

#include <catch2/catch.hpp>

namespace mc::testing {

using personalisation::TemplateContent;

TemplateContent FullTemplateContent() {
  return {.internal_name = "orderShipped",
          .label = "Order shipped",
          .event_type = "ORDER_SHIPPED",
          .channel = 0,
          .version = 3,
          .subject = "Your order <%= rtEvent.ctx.order.id %>",
          .html_body = "<p>Shipped, <%= rtEvent.ctx.firstName %>.</p>",
          .text_body = "Shipped, <%= rtEvent.ctx.firstName %>.",
          .sms_text = "",
          .default_language = "en",
          .variants = {{.language = "fr",
                        .subject = "Votre commande <%= rtEvent.ctx.order.id %>",
                        .html_body = "<p>Expédiée.</p>",
                        .text_body = "Expédiée."},
                       {.language = "pt-BR",
                        .subject = "Seu pedido",
                        .html_body = "",
                        .text_body = "Enviado."}},
          .sender = {.from = "Brand <shop@brand.test>",
                     .reply_to = "<%= rtEvent.ctx.agent %> <help@brand.test>",
                     .headers = {{.name = "X-Campaign", .value = "ship-<%= rtEvent.type %>"},
                                 {.name = "Precedence", .value = "bulk"}},
                     .list_unsubscribe = "<https://brand.test/u/1>, <mailto:u@brand.test>",
                     .list_unsubscribe_post = true},
          .attachments = {{.url = "https://files.brand.test/terms.pdf",
                           .filename = "Terms.pdf",
                           .content_type = "application/pdf"},
                          {.ctx_path = "invoice.file"}},
          .blocks = {{.name = "footer", .version = 2}, {.name = "legal", .version = 7}}};
}

void CheckSameContent(const TemplateContent& got, const TemplateContent& want) {
  CHECK(got.internal_name == want.internal_name);
  CHECK(got.label == want.label);
  CHECK(got.event_type == want.event_type);
  CHECK(got.channel == want.channel);
  CHECK(got.version == want.version);
  CHECK(got.subject == want.subject);
  CHECK(got.html_body == want.html_body);
  CHECK(got.text_body == want.text_body);
  CHECK(got.sms_text == want.sms_text);
  CHECK(got.default_language == want.default_language);
  REQUIRE(got.variants.size() == want.variants.size());
  for (size_t i = 0; i < want.variants.size(); ++i) {
    INFO("variant " << i);
    CHECK(got.variants[i].language == want.variants[i].language);
    CHECK(got.variants[i].subject == want.variants[i].subject);
    CHECK(got.variants[i].html_body == want.variants[i].html_body);
    CHECK(got.variants[i].text_body == want.variants[i].text_body);
    CHECK(got.variants[i].sms_text == want.variants[i].sms_text);
  }
  CHECK(got.sender.from == want.sender.from);
  CHECK(got.sender.reply_to == want.sender.reply_to);
  REQUIRE(got.sender.headers.size() == want.sender.headers.size());
  for (size_t i = 0; i < want.sender.headers.size(); ++i) {
    INFO("header " << i);
    CHECK(got.sender.headers[i].name == want.sender.headers[i].name);
    CHECK(got.sender.headers[i].value == want.sender.headers[i].value);
  }
  CHECK(got.sender.list_unsubscribe == want.sender.list_unsubscribe);
  CHECK(got.sender.list_unsubscribe_post == want.sender.list_unsubscribe_post);
  REQUIRE(got.attachments.size() == want.attachments.size());
  for (size_t i = 0; i < want.attachments.size(); ++i) {
    INFO("attachment " << i);
    CHECK(got.attachments[i].url == want.attachments[i].url);
    CHECK(got.attachments[i].ctx_path == want.attachments[i].ctx_path);
    CHECK(got.attachments[i].filename == want.attachments[i].filename);
    CHECK(got.attachments[i].content_type == want.attachments[i].content_type);
  }
  REQUIRE(got.blocks.size() == want.blocks.size());
  for (size_t i = 0; i < want.blocks.size(); ++i) {
    INFO("block " << i);
    CHECK(got.blocks[i].name == want.blocks[i].name);
    CHECK(got.blocks[i].version == want.blocks[i].version);
  }
}

}  // namespace mc::testing
