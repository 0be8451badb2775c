#!/usr/bin/env python3
"""The web console in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium, against the local cluster of the README's main job (mc-local: PostgreSQL,
one control and two execution instances, the demo events, archived).

It signs in (a wrong token refused first), tests an account's connection, pauses and starts a
technical workflow, runs an archiving workflow, edits a template and sees the live preview
change, publishes it and reads both instances' outcomes, reads the report figures and the
chart's bars from the page and compares them with what the ReportService answers over HTTP/JSON
for the same period, searches the archive and opens an event's story, has a page of another
origin post a forged form to the console (refused, nothing changed), and signs out (the session
is then refused). The session cookie's flags and the refusals of a pusher's token and of a call
without the CSRF token are checked over plain HTTP too. A screenshot of each page is written
to --artifacts.

Usage: console_browser_test.py --mc_local <mc-local binary> --artifacts <dir>
Exits 0 when every check passed; 1 naming the first that failed.
"""
import argparse
import base64
import http.server
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException,
                                        StaleElementReferenceException, TimeoutException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CONTROL = "messagecenter.control.v1."


class Check(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Check(what)
    print("ok:", what, flush=True)


def start_cluster(binary, data_dir):
    """mc-local on free ports; returns (process, console URL, operator token, pusher token)."""
    proc = subprocess.Popen(
        [binary, "--data_dir=" + data_dir, "--fresh", "--events=40",
         "--control_listen=127.0.0.1:0", "--execution_listen=127.0.0.1:0,127.0.0.1:0",
         "--console_listen=127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout] and lines.put(None),
                     daemon=True).start()
    url, deadline, output = None, time.time() + 300, []
    while time.time() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        output.append(line)
        m = re.search(r"web console\s+(http://\S+/console/)", line)
        if m:
            url = m.group(1)
        if line.startswith("Press Ctrl-C"):
            tokens = dict(l.split() for l in open(os.path.join(data_dir, "tokens")) if l.strip())
            return proc, url, tokens["operator"], tokens["pusher"]
    proc.kill()
    raise Check("mc-local did not come up:\n" + "".join(output))


class Api:
    """The control's HTTP/JSON API with a bearer token (what the console's figures must equal)."""

    def __init__(self, base, token):
        self.base, self.token = base, token

    def __call__(self, service, method, body=None):
        req = urllib.request.Request(
            self.base + "/v1/" + CONTROL + service + "/" + method,
            data=json.dumps(body or {}).encode(), method="POST",
            headers={"Authorization": "Bearer " + self.token,
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)


def plain(method, url, headers=None):
    """(status, headers, JSON body) of one plain request."""
    req = urllib.request.Request(url, method=method, headers=headers or {},
                                 data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, json.loads(e.read() or b"{}")


def plain_http_checks(base, operator, pusher):
    page = urllib.request.urlopen(base + "/console/", timeout=30)
    csp = page.headers.get("Content-Security-Policy", "")
    check("script-src 'self'" in csp and "frame-ancestors 'none'" in csp,
          "the console page is sent with a CSP allowing only its own scripts, never framed")
    status, _, body = plain("POST", base + "/console/session",
                           {"Authorization": "Bearer " + pusher})
    check(status == 403 and body["error"]["status"] == "PERMISSION_DENIED",
          "a pusher's token cannot sign in to the console (403)")
    status, headers, body = plain("POST", base + "/console/session",
                                 {"Authorization": "Bearer " + operator})
    cookie = headers.get("Set-Cookie", "")
    check(status == 200 and "HttpOnly" in cookie and "SameSite=Strict" in cookie
          and "Path=/console" in cookie and "Secure" not in cookie,
          "sign-in sets an HttpOnly, SameSite=Strict cookie (not Secure over plain HTTP)")
    session = cookie.split(";")[0]
    api_url = base + "/console/api/" + CONTROL + "AccountService/ListAccounts"
    status, _, body = plain("POST", api_url, {"Cookie": session})
    check(status == 403 and body["error"]["message"].startswith("csrf:"),
          "a call with the session cookie but no CSRF token is refused (403 csrf)")
    status, _, body = plain("POST", api_url, {"Cookie": session, "X-CSRF-Token": body_csrf(base, session)})
    check(status == 200 and len(body["accounts"]) == 2, "the same call with the CSRF token answers")
    status, _, _ = plain("POST", api_url, {"Cookie": "mc_console=forged", "X-CSRF-Token": "x"})
    check(status == 401, "an unknown session is refused (401)")
    status, headers, _ = plain("POST", base + "/console/session",
                               {"Authorization": "Bearer " + operator, "Cookie": session})
    renewed = headers.get("Set-Cookie", "").split(";")[0]
    check(status == 200 and renewed != session and
          plain("GET", base + "/console/session", {"Cookie": session})[0] == 401 and
          plain("GET", base + "/console/session", {"Cookie": renewed})[0] == 200,
          "signing in again ends the session the browser held, and starts a new one")


def body_csrf(base, session):
    _, _, body = plain("GET", base + "/console/session", {"Cookie": session})
    return body["csrfToken"]


class Browser:
    def __init__(self, artifacts):
        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                    "--disable-gpu", "--window-size=1366,900", "--lang=en-GB"):
            options.add_argument(arg)
        self.profile = tempfile.mkdtemp(prefix="mc-chromium-")
        options.add_argument("--user-data-dir=" + self.profile)
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.d = webdriver.Chrome(service=Service(driver), options=options)
        self.artifacts = artifacts
        self.shots = 0

    def quit(self):
        self.d.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def wait(self, condition, what, timeout=30):
        def safe(d):
            try:
                return condition(d)
            except StaleElementReferenceException:
                return False
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.1).until(safe)
        except TimeoutException:
            self.shot("failed")
            raise Check("timed out waiting: " + what)

    def find(self, css, what=None):
        return self.wait(lambda d: d.find_element(By.CSS_SELECTOR, css)
                         if d.find_elements(By.CSS_SELECTOR, css) else False, what or css)

    def click(self, css):
        e = self.find(css)
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", e)
        try:
            e.click()
        except ElementClickInterceptedException:
            # At the very bottom of a page headless Chromium may report the point outside the
            # viewport: the same click, dispatched on the element.
            self.d.execute_script("arguments[0].click()", e)

    def text(self, css):
        return self.find(css).text

    def shot(self, name):
        """The whole page, beyond the window, as <n>-<name>.png."""
        self.shots += 1
        size = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        png = self.d.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"],
                     "height": min(size["height"], 10000), "scale": 1}})
        path = os.path.join(self.artifacts, "%02d-%s.png" % (self.shots, name))
        with open(path, "wb") as f:
            f.write(base64.b64decode(png["data"]))
        print("screenshot:", path, flush=True)


def run(b, url, base, api, operator):
    d = b.d
    # Sign-in: a wrong token first.
    d.get(url)
    b.find("#signin-token")
    b.shot("sign-in")
    b.find("#signin-token").send_keys("wrong-token-0123456789")
    b.click("#signin-form button[type=submit]")
    b.wait(lambda d: "Not signed in" in d.find_element(By.ID, "signin-error").text,
           "the wrong token refused")
    check("Not signed in" in b.text("#signin-error"), "a wrong token does not sign in")
    b.find("#signin-token").send_keys(operator)
    b.click("#signin-form button[type=submit]")
    b.find("#accounts tr[data-account=exec1]", "the instances page after sign-in")
    check([c["name"] for c in d.get_cookies()] == ["mc_console"], "one cookie: the session's")
    cookie = d.get_cookies()[0]
    check(cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console",
          "the browser holds the session cookie HttpOnly, SameSite=Strict, on /console")
    check(b.text("#breadcrumb").replace("\n", " ").startswith(
        "Administration Production Message Center Execution instances"),
        "ACC's navigation: Administration > Production > Message Center > Execution instances")
    b.shot("instances")

    # Test the connection of exec1.
    b.click("#accounts tr[data-account=exec1] [data-action=test]")
    version = b.wait(lambda d: d.find_element(By.CSS_SELECTOR, "#connection [data-field=version]").text
                     if d.find_elements(By.CSS_SELECTOR, "#connection") else False, "the test result")
    account = api("AccountService", "GetAccount", {"internalName": "exec1"})
    check(re.match(r"\d+\.\d+\.\d+", version), "the connection test shows the version " + version)
    check(b.text("#connection [data-field=instanceId]") == account["instanceId"],
          "the connection test shows the instance's identifier " + account["instanceId"])
    check(len(d.find_elements(By.CSS_SELECTOR, "#instance-result tr[data-workflow]")) >= 3,
          "the connection test lists the instance's workflows and states")
    b.shot("connection-test")

    # A technical workflow paused, then started again.
    b.click("#side-nav a[href='#/workflows']")
    row = "section[data-account=exec1] tr[data-workflow=rtEventsProcessing]"
    b.find(row, "the technical workflows of exec1")
    for action, state, what in (("pause", "WORKFLOW_STATE_PAUSED", "pausing it paused it"),
                                ("start", "WORKFLOW_STATE_STARTED", "starting it started it again")):
        b.click(row + " [data-action=%s]" % action)
        b.wait(lambda d: d.find_element(By.CSS_SELECTOR, row + " td.state")
               .get_attribute("data-state") == state, "rtEventsProcessing " + state)
        states = {w["internalName"]: w["state"] for w in api(
            "AccountService", "ListInstanceWorkflows", {"internalName": "exec1"})["workflows"]}
        check(states["rtEventsProcessing"] == state,
              "rtEventsProcessing on exec1 in the console: " + what + " on the instance")
    b.shot("technical-workflows")

    # An archiving workflow run now, and its runs.
    b.click("#side-nav a[href='#/archiving']")
    b.click("#archiving-workflows tr[data-workflow=mcSynch_exec1] [data-action=run-now]")
    b.find("#runs tr[data-run]", "the runs of mcSynch_exec1")
    runs = api("ArchivingService", "ListRuns", {"internalName": "mcSynch_exec1", "limit": 20})["runs"]
    check(len(d.find_elements(By.CSS_SELECTOR, "#runs tr[data-run]")) == len(runs),
          "the archiving runs shown are the ArchivingService's (%d)" % len(runs))
    b.shot("archiving-workflows")

    # A template edited (live preview), then published on both instances.
    b.click("#side-nav a[href='#/templates']")
    b.click("#templates tr[data-template=orderShipped] a")
    b.wait(lambda d: d.find_element(By.ID, "preview-subject").text, "the first preview")
    before = b.text("#preview-subject")
    marker = " (console edit %d)" % int(time.time())
    b.find("#tpl-subject").send_keys(marker)
    b.wait(lambda d: marker.strip() in d.find_element(By.ID, "preview-subject").text,
           "the preview to show the edited subject")
    check(b.text("#preview-subject") == before + marker,
          "the live preview renders the edited subject: " + b.text("#preview-subject"))
    version_before = api("TemplateService", "GetTemplate", {"internalName": "orderShipped"})["version"]
    b.shot("template-preview")
    b.click("[data-action=publish]")
    b.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#outcomes tr[data-account]")) == 2,
           "both instances' outcomes")
    outcomes = {r.get_attribute("data-account"): r.find_element(By.CSS_SELECTOR, "td[data-code]")
                .get_attribute("data-code") for r in d.find_elements(By.CSS_SELECTOR, "#outcomes tr[data-account]")}
    check(outcomes == {"exec1": "0", "exec2": "0"},
          "publishing shows each instance's outcome: both OK")
    t = api("TemplateService", "GetTemplate", {"internalName": "orderShipped"})
    check(t["version"] == version_before + 1 and t["subject"].endswith(marker),
          "the published template is the edited one, version %d" % t["version"])
    check(b.text("#template-version") == str(t["version"]), "the page shows the new version")
    b.shot("template-published")

    # Reports: the page's figures and bars against the ReportService's.
    b.click("#side-nav a[href='#/reports']")
    b.find("#figures-service-level tr[data-account=exec1]", "the service level figures")
    period = b.find("#report-period")
    f = {"from": period.get_attribute("data-from"), "to": period.get_attribute("data-to")}
    level = api("ReportService", "ServiceLevel", f)["rows"]
    check(sorted(r["account"] for r in level) == ["", "exec1", "exec2"],
          "the ReportService has a service level row per instance and their total")
    def cell(table, account, field):
        return float(d.find_element(By.CSS_SELECTOR, "#%s tr[data-account=%s] td[data-field=%s]"
                                    % (table, account, field)).get_attribute("data-value"))
    def bar(chart, category, series):
        return float(d.find_element(By.CSS_SELECTOR, "#%s rect[data-category=%s][data-series=%s]"
                                    % (chart, category, series)).get_attribute("data-value"))
    for r in level:
        a = r["account"] or "all"
        for k in ("incomingEvents", "outgoingMessages", "incomingEventsPerHour",
                  "outgoingMessagesPerHour", "errorRate"):
            check(abs(cell("figures-service-level", a, k) - float(r[k])) <= 1e-9 * max(1, abs(float(r[k]))),
                  "%s %s on the page = the ReportService's %s" % (a, k, r[k]))
        if a == "all":
            continue
        for k in ("incomingEventsPerHour", "outgoingMessagesPerHour"):
            check(abs(bar("chart-service-level", a, k) - float(r[k])) <= 1e-9 * max(1, float(r[k])),
                  "%s's %s bar is the ReportService's figure" % (a, k))
        for k in ("notTakenIntoAccount", "expired", "deliveryFailed", "ignored"):
            check(bar("chart-errors", a, k) == float(r[k]) == cell("figures-errors", a, k),
                  "%s's %s in the error chart and table = %s" % (a, k, r[k]))
    counts = api("ReportService", "StatusCounts", f)["rows"]
    shown = {(e.get_attribute("data-account"), e.get_attribute("data-status")):
             float(e.find_element(By.CSS_SELECTOR, "td[data-field=events]").get_attribute("data-value"))
             for e in d.find_elements(By.CSS_SELECTOR, "#figures-status-counts tr[data-account]")}
    check(shown == {(r["account"], r["status"]): float(r["events"]) for r in counts},
          "the events by status on the page are the ReportService's (%d rows)" % len(counts))
    processing = api("ReportService", "ProcessingTime", f)["rows"]
    for r in processing:
        check(abs(cell("figures-processing", r["account"] or "all", "averageQueuingSeconds")
                  - float(r["averageQueuingSeconds"])) < 1e-9,
              "%s's average queuing time on the page = %s" % (r["account"], r["averageQueuingSeconds"]))
    check(len(d.find_elements(By.CSS_SELECTOR, "#chart-queue line.threshold-orange")) == 1
          and len(d.find_elements(By.CSS_SELECTOR, "#chart-queue line.threshold-red")) == 1,
          "the queue length chart draws the orange and red thresholds")
    history = api("ReportService", "History", {"filter": f, "granularity": "GRANULARITY_HOUR"})["rows"]
    check(len(d.find_elements(By.CSS_SELECTOR, "#figures-history tr[data-type]")) == len(history),
          "the history by event type has the ReportService's %d rows" % len(history))
    b.shot("reports")

    # Event search over the archive, and one event's story.
    b.click("#side-nav a[href='#/events']")
    Select(b.find("#search-instance")).select_by_value("exec1")
    Select(b.find("#search-status")).select_by_value("EVENT_STATUS_SENT")
    b.click("form[aria-label='Event search'] button[type=submit]")
    b.find("#events tr[data-event]", "search results")
    found = api("ArchiveService", "SearchEvents",
                {"accounts": ["exec1"], "status": "EVENT_STATUS_SENT", "pageSize": 50})["events"]
    rows = d.find_elements(By.CSS_SELECTOR, "#events tr[data-event]")
    check(len(rows) == len(found) > 0 and all(r.find_element(By.CSS_SELECTOR, "td.status").text == "Sent"
                                             for r in rows),
          "the search shows the archive's %d sent events of exec1" % len(found))
    b.shot("event-search")
    first = rows[0].get_attribute("data-event")
    b.click("#events tr[data-event='%s'] [data-action=story]" % first)
    b.find("#timeline tr[data-step]", "the event's story")
    story = api("ArchiveService", "GetArchivedEvent", {"account": "exec1", "eventId": first})
    check(len(d.find_elements(By.CSS_SELECTOR, "#timeline tr[data-step]")) == len(story["timeline"]),
          "the story of event %s shows its %d timeline steps" % (first, len(story["timeline"])))
    check(story["messageId"] in b.text("#story"), "the story names the Message-ID")
    b.shot("event-story")

    # A forged cross-site POST: a page of another origin submits a form to the console.
    forged = forge_page(base)
    try:
        d.get(forged.url)
        b.wait(lambda d: "/console/api/" in d.current_url, "the forged form to be posted")
        body = b.wait(lambda d: d.find_element(By.TAG_NAME, "body").text, "the answer")
        b.shot("forged-post")
        check("PERMISSION_DENIED" in body and "origin" in body,
              "the forged cross-site POST is refused: " + body.strip()[:120])
        check(forged.hits == 1, "the forged page was served from another origin")
    finally:
        forged.stop()
    check(api("AccountService", "GetAccount", {"internalName": "exec1"})["enabled"],
          "exec1 is still enabled after the forged request")

    # Sign-out: the session is gone, the cookie with it.
    d.get(url)
    b.find("#accounts tr[data-account=exec1]", "the console again, still signed in")
    b.click("#sign-out")
    b.wait(lambda d: d.find_element(By.ID, "signin-error").text == "Signed out.", "signed out")
    status = d.execute_async_script(
        "const done = arguments[0]; fetch('session').then((r) => done(r.status));")
    check(status == 401, "after sign-out the session is refused (401)")
    check(d.get_cookies() == [], "the browser forgot the session cookie")
    b.shot("signed-out")
    # The page ran without a script error or a blocked resource (its own CSP included); the
    # refusals it was made to meet (401, 403) and the pages of JSON without an icon are the only
    # failed loads.
    problems = [l["message"] for l in d.get_log("browser") if l["level"] == "SEVERE"
                and not re.search(r"status of 40[13]|favicon.ico", l["message"])]
    check(problems == [], "no script error or blocked resource in the console: %s" % problems)


class forge_page:
    """A page on another port of the same host (same site, another origin) posting a form."""

    def __init__(self, base):
        target = base + "/console/api/" + CONTROL + "AccountService/DisableAccount"
        page = ("<!doctype html><title>Prize</title><form id=f method=POST enctype=text/plain "
                "action='%s'><input name='{\"internalName\":\"exec1\",\"x\":\"' value='\"}'>"
                "</form><script>document.getElementById('f').submit()</script>" % target).encode()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.hits = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mc_local", required=True)
    p.add_argument("--artifacts", required=True)
    args = p.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    for f in os.listdir(args.artifacts):
        if f.endswith(".png"):
            os.remove(os.path.join(args.artifacts, f))
    data_dir = tempfile.mkdtemp(prefix="mc-console-test-")
    proc, browser = None, None
    try:
        proc, url, operator, pusher = start_cluster(args.mc_local, data_dir)
        base = url[: -len("/console/")]
        print("console:", url, flush=True)
        plain_http_checks(base, operator, pusher)
        browser = Browser(args.artifacts)
        run(browser, url, base, Api(base, operator), operator)
        print("PASS: the console in a real browser; screenshots in", args.artifacts)
        return 0
    except Check as e:
        print("FAIL:", e, flush=True)
        return 1
    finally:
        if browser:
            browser.quit()
        if proc:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
