"""Browser tests of the web console, in Debian's chromium driven by Playwright.

Run by scripts/browser_test.sh, which starts `ecredit serve --demo` and passes:
  ECREDIT_URL          the service, e.g. http://127.0.0.1:18080
  ECREDIT_ADMIN_PASSWORD  the admin's password
  AXE_JS               path of axe.min.js (axe-core from npm)
  SCREENSHOTS          the folder for the screenshots
  CHROMIUM             the browser (default /usr/bin/chromium)
  DEMO_USER, DEMO_PASSWORD  a demo account for the screenshots (the throttle allows five
                       attempts per account: the admin does the tasks, this one the pages)

Tasks done through the pages, keyboard only where it says so, and checked through the API:
sign in (Tab/Enter), search an enterprise and open its profile, switch the language, create a
public report, verify it and a tampered copy; as the enterprise, grant and revoke an
authorisation, file an objection, and submit an operating period that is held for review; as a
keeper, compare a challenger model with the active one and activate it with a reason, then
answer the objection, approve the held period and confirm a list proposal from the queues; as the
bank, keep the portfolio watch and pull a full report under a live grant; as the admin, create
an account, disable it, enable it, set a new password that then signs in, and rotate the report
signing key. axe-core must find no serious or critical
violation on any page, in either language; the pages must break no CSP rule.
"""

import datetime
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright, expect

BASE = os.environ["ECREDIT_URL"].rstrip("/")
ADMIN_PASSWORD = os.environ["ECREDIT_ADMIN_PASSWORD"]
AXE_JS = os.environ["AXE_JS"]
SHOTS = Path(os.environ.get("SCREENSHOTS", "target/screenshots"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
DEMO_USER = os.environ["DEMO_USER"]
DEMO_PASSWORD = os.environ["DEMO_PASSWORD"]
ENTERPRISE_USER = os.environ["DEMO_ENTERPRISE_USER"]
ENTERPRISE_PASSWORD = os.environ["DEMO_ENTERPRISE_PASSWORD"]
BANK_USER = os.environ["DEMO_BANK_USER"]
BANK_PASSWORD = os.environ["DEMO_BANK_PASSWORD"]
CHALLENGER = os.environ["CHALLENGER"]
SECOND_CHALLENGER = os.environ["SECOND_CHALLENGER"]
WORKSPACE_PAGES = [
    ("ws-dashboard", "/workspace"),
    ("ws-records", "/workspace/records"),
    ("ws-history", "/workspace/history"),
    ("ws-submissions", "/workspace/submissions"),
    ("ws-objections", "/workspace/objections"),
    ("ws-commitments", "/workspace/commitments"),
    ("ws-repairs", "/workspace/repairs"),
    ("ws-authorizations", "/workspace/authorizations"),
    ("ws-query-log", "/workspace/query-log"),
]
LANGS = {"zh-CN": "zh-CN,zh;q=0.9", "en": "en-GB,en;q=0.9"}

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print(f"FAIL: {message}", file=sys.stderr)


def api(method, path, token=None, body=None):
    request = urllib.request.Request(BASE + path, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data) as response:
        return json.loads(response.read())


def admin_token():
    return api("POST", "/api/v1/auth/token", body={"username": "admin", "password": ADMIN_PASSWORD})[
        "access_token"
    ]


def tab_to(page, element_id, limit=40):
    """Presses Tab until the element with this id has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def sign_in_with_keyboard(page):
    page.goto(BASE + "/sign-in")
    tab_to(page, "field-username")
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    check(
        page.evaluate("document.activeElement.id") == "field-password",
        "Tab goes from the username to the password",
    )
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(BASE + "/workspace")
    expect(page.locator("main")).to_contain_text("admin")


def sign_in_as(page, username, password):
    page.goto(BASE + "/sign-in")
    page.locator("#field-username").fill(username)
    page.locator("#field-password").fill(password)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(BASE + "/workspace")


def grant_and_revoke(page, token):
    """The demo enterprise grants the demo bank an authorisation and revokes it, through the
    pages; each step is checked through the API."""
    sign_in_as(page, ENTERPRISE_USER, ENTERPRISE_PASSWORD)
    code = page.locator(".ws-enterprise a").first.get_attribute("href").rsplit("/", 1)[1]
    grants_path = f"/api/v1/enterprises/{code}/authorizations?per_page=100"
    before = api("GET", grants_path, token)["total"]
    page.get_by_role("link", name="报告授权").first.click()
    page.wait_for_url("**/workspace/authorizations")
    page.locator("#field-bank_organisation_id").select_option(label="Demo Bank")
    page.locator("#field-purpose").select_option("credit_line_review")
    page.locator("#field-note").fill("浏览器测试：授信审查")
    with page.expect_navigation():
        page.get_by_role("button", name="授权", exact=True).click()
    expect(page.locator(".notice.success")).to_be_visible()
    grants = api("GET", grants_path, token)
    check(grants["total"] == before + 1, "the grant is in the API")
    grant = max(grants["items"], key=lambda g: g["id"])
    check(grant["status"] == "live" and grant["purpose"] == "credit_line_review", f"the grant is live: {grant}")
    row = page.locator("tbody tr", has_text="浏览器测试：授信审查")
    expect(row).to_contain_text("有效")
    with page.expect_navigation():
        row.get_by_role("button").click()
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator("tbody tr", has_text="浏览器测试：授信审查")).to_contain_text("已撤销")
    revoked = [g for g in api("GET", grants_path, token)["items"] if g["id"] == grant["id"]][0]
    check(revoked["status"] == "revoked", f"the grant is revoked in the API: {revoked}")


def file_objection(page, token, code):
    """The enterprise disputes the first record its objection form offers; the API shows the
    objection open and the record disputed, and the page counts the 20 days down."""
    base = f"/api/v1/enterprises/{code}"
    before = api("GET", f"{base}/objections", token)["total"]
    page.get_by_role("link", name="异议", exact=True).first.click()
    page.wait_for_url("**/workspace/objections")
    target = page.locator("#field-target option").nth(1).get_attribute("value")
    page.locator("#field-target").select_option(target)
    page.locator("#field-reason").fill("浏览器测试：该记录与平台后台数据不符")
    with page.expect_navigation():
        page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".notice.success")).to_be_visible()
    listed = api("GET", f"{base}/objections", token)
    check(listed["total"] == before + 1, "the objection is in the API")
    objection = max(listed["items"], key=lambda o: o["id"])
    check(objection["status"] == "open", f"the objection is open: {objection}")
    kind, record_id = target.split(":")
    if kind == "event":
        record = api("GET", f"{base}/credit-events/{record_id}", token)
        check(record["status"] == "disputed", f"the event is disputed: {record}")
    else:
        record = api("GET", f"{base}/operating-records/{record_id}", token)
        check(record["review_status"] == "disputed", f"the period is disputed: {record}")
    expect(page.locator("tbody tr", has_text="浏览器测试：该记录与平台后台数据不符")).to_contain_text("剩余 20 天")


def month_span(label):
    """The months a period label covers, as month numbers (year * 12 + month - 1)."""
    if "Q" in label:
        year, quarter = label.split("Q")
        first = int(year) * 12 + (int(quarter) - 1) * 3
        return range(first, first + 3)
    year, month = label.split("-")
    return range(int(year) * 12 + int(month) - 1, int(year) * 12 + int(month))


def submit_held_period(page, token, code):
    """The enterprise submits a month with more complaints than orders: it is held for review,
    shown as held on the page and pending in the API."""
    base = f"/api/v1/enterprises/{code}"
    recorded = api("GET", f"{base}/operating-records?per_page=100", token)["items"]
    taken = {m for r in recorded for m in month_span(r["period"])}
    now = datetime.date.today()
    month = now.year * 12 + now.month - 2
    while month in taken:
        month -= 1
    period = f"{month // 12}-{month % 12 + 1:02d}"
    page.goto(BASE + "/workspace/submissions")
    page.locator("#field-period").fill(period)
    page.locator("#field-online_sales").fill("18000")
    page.locator("#field-orders").fill("40")
    page.locator("#field-complaints").fill("55")
    with page.expect_navigation():
        page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".notice.warning")).to_contain_text("需监管人员审核")
    submissions = api("GET", f"{base}/submissions", token)["items"]
    newest = max(submissions, key=lambda s: s["id"])
    check(newest["status"] == "pending", f"the period is held: {newest}")
    check(
        any(f["field"] == "operating[0].complaints" for f in newest["findings"]),
        f"the finding names the complaints: {newest}",
    )
    periods = [r["period"] for r in api("GET", f"{base}/operating-records?per_page=100", token)["items"]]
    check(period not in periods, "a held period is not recorded before the review")


def model_path(version):
    return "/workspace/models/" + urllib.parse.quote(version, safe="")


def compare_and_activate(page, token):
    """As a regulator: open the challenger from the model list, compare it with the active
    model, read the confirmation, refuse a blank reason, then activate it with one."""
    page.goto(BASE + "/workspace/models")
    page.locator(f"a[href='{model_path(CHALLENGER)}']").click()
    page.wait_for_url("**" + model_path(CHALLENGER))
    with page.expect_navigation():
        page.locator("form[action$='/comparisons'] button").first.click()
    check("compared=" in page.url, f"the comparison opens: {page.url}")
    expect(page.locator("table.matrix")).to_be_visible()
    stored = api("GET", f"/api/v1/models/{urllib.parse.quote(CHALLENGER, safe='')}/comparisons", token)
    check(len(stored) == 1, "the comparison made on the page is stored")
    page.locator(f"a[href='{model_path(CHALLENGER)}/activate']").click()
    page.wait_for_url("**/activate")
    expect(page.locator("table.matrix")).to_be_visible()
    page.locator("form[action$='/activate'] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#field-reason-error")).to_be_visible()
    active = [m["version"] for m in api("GET", "/api/v1/models", token) if m["active"]]
    check(active != [CHALLENGER], "a blank reason activates nothing")
    page.locator("#field-reason").fill("对比结果已审阅：迁移矩阵可接受")
    with page.expect_navigation():
        page.locator("form[action$='/activate'] button[type=submit]").click()
    check("activated=1" in page.url, f"the activation returns to the model: {page.url}")
    model = api("GET", f"/api/v1/models/{urllib.parse.quote(CHALLENGER, safe='')}", token)
    check(model["active"] and model["activation_reason"] == "对比结果已审阅：迁移矩阵可接受",
          "the challenger activated on the page is active, with its reason")
    check(model["activations"][0]["comparison_id"] == stored[0]["id"],
          "the activation relies on the comparison made on the page")
    # Rescore everyone with it, and watch the run end on the page (htmx polls its progress).
    page.goto(BASE + "/workspace/runs")
    with page.expect_navigation():
        page.locator("form[action='/workspace/runs'] button[type=submit]").click()
    check("started=" in page.url, f"the run starts: {page.url}")
    run_id = int(page.url.rsplit("=", 1)[1])
    expect(page.locator("#run-progress")).to_contain_text("已完成", timeout=60000)
    run = api("GET", f"/api/v1/scores/runs/{run_id}", token)
    check(run["status"] == "completed" and run["scored"] == run["total"],
          f"the run seen ending on the page has scored everyone: {run}")


def keep_portfolio_and_pull_a_report(page, token):
    """As the demo bank: remove a watched enterprise, add it back by a part of its name, then
    pull its full report under the live grant and fetch the signed JSON."""
    page.goto(BASE + "/workspace/portfolio")
    first = page.locator("main table tbody tr").first
    name = first.locator("th a").inner_text()
    code = first.locator("th code").inner_text()
    with page.expect_navigation():
        first.locator("form button").click()
    check(code not in page.locator("main table").first.inner_text() if page.locator("main table").count() else True,
          "a removed enterprise leaves the watch list")
    page.locator("#field-enterprise").fill(name[2:6])
    with page.expect_navigation():
        page.locator("form[action='/workspace/portfolio'] button[type=submit]").click()
    check(f"added={code}" in page.url, f"the enterprise is added back by a part of its name: {page.url}")
    page.goto(BASE + "/workspace/grants")
    expect(page.locator("tr.expiring")).to_have_count(1)
    with page.expect_navigation():
        page.locator("form[action='/workspace/grants/report'] button").first.click()
    check("report=ECR-" in page.url, f"the report is pulled: {page.url}")
    report_no = page.url.rsplit("=", 1)[1]
    href = page.locator("a[download]").get_attribute("href")
    saved = page.request.get(BASE + href)
    check(saved.ok and json.loads(saved.text())["report"]["report_no"] == report_no,
          "the signed JSON downloads from the page")
    log = api("GET", f"/api/v1/enterprises/{code}/query-log", token)["items"]
    check(any(q["report_no"] == report_no for q in log), "the bank's report is in the query log")


def record_and_correct(page, token, code):
    """As a keeper, on the enterprise's records: record a credit event (its error first, beside
    the field), then correct an operating record with a reason; each checked through the API."""
    base = f"/api/v1/enterprises/{code}"
    before = api("GET", f"{base}/credit-events", token)["total"]
    page.goto(BASE + f"/workspace/records?enterprise={code}")
    page.get_by_role("link", name="录入信用事件").click()
    page.wait_for_url("**/credit-events/new")
    page.locator("#field-kind").select_option("tax_violation")
    page.locator("#field-severity").select_option("major")
    page.locator("#field-authority").fill("国家税务总局示范市税务局")
    page.locator("#field-decided_on").fill((datetime.date.today() - datetime.timedelta(days=10)).isoformat())
    page.locator("form.form-grid button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#field-title-error")).to_be_visible()
    page.locator("#field-title").fill("逾期未申报增值税")
    with page.expect_navigation():
        page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".notice.success")).to_be_visible()
    events = api("GET", f"{base}/credit-events", token)
    check(events["total"] == before + 1 and any(e["title"] == "逾期未申报增值税" for e in events["items"]),
          f"the event recorded on the page is in the API: {events['total']}")

    record = api("GET", f"{base}/operating-records?per_page=1", token)["items"][0]
    page.locator(f"a[href='/workspace/enterprises/{code}/operating-records/{record['id']}']").click()
    page.wait_for_url(f"**/operating-records/{record['id']}")
    page.locator("#field-orders").fill(str(record["orders"] + 10))
    page.locator("#field-reason").fill("浏览器测试：平台后台订单数复核")
    with page.expect_navigation():
        page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".notice.success")).to_be_visible()
    fixed = api("GET", f"{base}/operating-records/{record['id']}", token)
    check(fixed["orders"] == record["orders"] + 10, f"the correction made on the page is in the API: {fixed}")


def work_the_queues(page, token, code):
    """As a regulator, from the dashboard: answer the enterprise's objection (upheld), approve
    its held period, and confirm a list proposal with its legal basis; each effect checked
    through the API, and each queue's count on the dashboard goes down by one."""
    base = f"/api/v1/enterprises/{code}"

    def count(queue):
        page.goto(BASE + "/workspace")
        return int(page.locator(f"a[href='/workspace/queues/{queue}'] .queue-count").inner_text().replace(",", ""))

    objections = count("objections")
    page.locator("a[href='/workspace/queues/objections']").first.click()
    page.wait_for_url("**/workspace/queues/objections")
    objection = max(api("GET", f"{base}/objections", token)["items"], key=lambda o: o["id"])
    page.locator(f"a[href='/workspace/queues/objections/{code}/{objection['id']}']").click()
    page.locator("#field-outcome").select_option("upheld")
    page.locator("form.form-grid button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator("#field-explanation-error")).to_be_visible()
    page.locator("#field-explanation").fill("经核对平台后台数据，原记录无误")
    with page.expect_navigation():
        page.locator("form.form-grid button[type=submit]").click()
    expect(page.locator(".notice.success")).to_be_visible()
    answered = api("GET", f"{base}/objections/{objection['id']}", token)
    check(answered["status"] == "answered" and answered["outcome"] == "upheld",
          f"the objection answered on the page is answered: {answered}")
    check(count("objections") == objections - 1, "the dashboard counts one objection fewer")

    held = count("submissions")
    submission = max(api("GET", f"{base}/submissions", token)["items"], key=lambda s: s["id"])
    page.goto(BASE + f"/workspace/queues/submissions/{code}/{submission['id']}")
    expect(page.locator("h2#findings-title")).to_be_visible()
    page.locator("#field-outcome").select_option("approved")
    page.locator("#field-reason").fill("已与平台投诉记录核对一致")
    with page.expect_navigation():
        page.locator("form.form-grid button[type=submit]").click()
    decided = api("GET", f"{base}/submissions/{submission['id']}", token)
    check(decided["status"] == "approved", f"the submission approved on the page is approved: {decided}")
    check(count("submissions") == held - 1, "the dashboard counts one held submission fewer")

    proposals = count("proposals")
    page.locator("a[href='/workspace/queues/proposals']").first.click()
    page.locator("main table a.button").first.click()
    entry_id = int(page.url.rsplit("/", 1)[1])
    page.locator("#field-legal_basis").fill("《守信激励名单管理办法》第五条")
    page.locator("#field-authority").fill("示范市市场监督管理局")
    with page.expect_navigation():
        page.locator("form.form-grid button[type=submit]").first.click()
    entry = api("GET", f"/api/v1/lists/entries/{entry_id}", token)
    check(entry["state"] == "current" and entry["legal_basis"] == "《守信激励名单管理办法》第五条",
          f"the proposal confirmed on the page is on its list: {entry}")
    check(count("proposals") == proposals - 1, "the dashboard counts one proposal fewer")
SHOTS_ADMIN = "browser-shots-admin"
SHOTS_ADMIN_PASSWORD = "browser-shots-pass-1"


def status_of(method, path, token=None, body=None):
    """The HTTP status of a call (the API helper raises on errors)."""
    try:
        api(method, path, token, body)
        return 200
    except urllib.error.HTTPError as e:
        return e.code


def manage_accounts_and_keys(page, token):
    """The admin, signed in: creates an account, disables it, enables it, sets a new password
    (which then signs in), and rotates the report signing key, through the pages; each step is
    checked through the API."""
    page.get_by_role("link", name="账号管理").first.click()
    page.wait_for_url("**/workspace/accounts")
    page.locator("#field-username").fill("browser-bank")
    page.locator("#field-role").select_option("bank")
    page.locator("#field-organisation").fill("浏览器测试银行")
    page.locator("#field-password").fill("browser-pass-1234")
    with page.expect_navigation():
        page.get_by_role("button", name="创建账号").click()
    expect(page.locator(".notice.success")).to_contain_text("browser-bank")
    account = api("GET", "/api/v1/users/browser-bank", token)
    check(account["role"] == "bank" and account["organisation"] == "浏览器测试银行", f"the account is in the API: {account}")
    with page.expect_navigation():
        page.get_by_role("button", name="停用账号").click()
    expect(page.locator(".notice.success")).to_be_visible()
    check(api("GET", "/api/v1/users/browser-bank", token)["disabled"] is True, "disabled, says the API")
    with page.expect_navigation():
        page.get_by_role("button", name="启用账号").click()
    check(api("GET", "/api/v1/users/browser-bank", token)["disabled"] is False, "enabled again, says the API")
    page.locator("#field-password").fill("browser-pass-5678")
    with page.expect_navigation():
        page.get_by_role("button", name="设置密码").click()
    expect(page.locator(".notice.success")).to_be_visible()
    signed = api("POST", "/api/v1/auth/token", body={"username": "browser-bank", "password": "browser-pass-5678"})
    me = api("GET", "/api/v1/me", signed["access_token"])
    check(me["username"] == "browser-bank" and me["role"] == "bank", f"the new password signs in: {me}")
    check(
        status_of("POST", "/api/v1/auth/token", body={"username": "browser-bank", "password": "browser-pass-1234"}) == 401,
        "the old password no longer signs in",
    )
    # The key: rotated from its page, published at once.
    before = api("GET", "/api/v1/reports/public-key")["keys"]
    page.get_by_role("link", name="密钥管理").first.click()
    page.wait_for_url("**/workspace/keys")
    page.locator("#field-confirm").check()
    with page.expect_navigation():
        page.get_by_role("button", name="轮换签名密钥").click()
    expect(page.locator(".notice.success")).to_be_visible()
    after = api("GET", "/api/v1/reports/public-key")["keys"]
    new = [k for k in after if k["active"]]
    check(
        len(after) == len(before) + 1 and len(new) == 1 and new[0]["key_id"] not in {k["key_id"] for k in before},
        f"the rotation is published at once: {after}",
    )
    check(new and new[0]["key_id"] in page.locator(".notice.success").inner_text(), "the page names the new key")
    # An admin of its own for the screenshots (the throttle counts every sign-in per account).
    api("POST", "/api/v1/users", token, {"username": SHOTS_ADMIN, "password": SHOTS_ADMIN_PASSWORD, "role": "admin"})


def run_axe(page, label):
    page.add_script_tag(path=AXE_JS)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
    for v in bad:
        nodes = ", ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        print(f"axe {label}: {v['impact']} {v['id']}: {v['help']} ({nodes})", file=sys.stderr)
    check(not bad, f"axe finds serious or critical violations on {label}")


def propose_for_the_blacklist(token, how_many):
    """A serious event recorded for a few enterprises of the registry: the rules
    propose each for the blacklist, so the proposal queue has work whatever day the demo's
    population was generated on."""
    listed = api("GET", f"/api/v1/enterprises?page=3&per_page={how_many}", token)["items"]
    for n, enterprise in enumerate(listed):
        api("POST", f"/api/v1/enterprises/{enterprise['code']}/credit-events", token, {
            "kind": "dishonest_judgment_debtor", "severity": "serious", "title": "列入失信被执行人名单",
            "authority": "示范市中级人民法院", "document_number": f"（2026）示执{n + 1}号",
            "decided_on": (datetime.date.today() - datetime.timedelta(days=30)).isoformat(),
        })
    check(api("GET", "/api/v1/lists/proposals", token)["total"] >= how_many,
          "a serious event puts its enterprise on the proposal queue")


def main():
    SHOTS.mkdir(parents=True, exist_ok=True)
    token = admin_token()
    propose_for_the_blacklist(token, 2)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])

        # The tasks, in a context that enforces the CSP.
        context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": LANGS["zh-CN"]})
        page = context.new_page()
        csp_errors = []
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        sign_in_with_keyboard(page)

        # Search with the keyboard from the home page, open a profile.
        page.goto(BASE + "/")
        tab_to(page, "search-q")
        page.keyboard.type("公司")
        page.keyboard.press("Enter")
        page.wait_for_url("**/enterprises?q=*")
        first = page.locator("main table tbody tr td a").first
        expect(first).to_be_visible()
        name = first.inner_text()
        first.click()
        page.wait_for_url("**/enterprises/*")
        expect(page.locator("h1")).to_have_text(name)
        profile_url = page.url
        code = profile_url.rsplit("/", 1)[1]
        check(
            api("GET", f"/api/v1/enterprises/{code}")["name"] == name,
            "the profile shows the enterprise the API knows",
        )

        # Switch the language on the profile: same page, in English.
        page.locator("#lang-switch").click()
        page.wait_for_url(profile_url)
        check(page.locator("html").get_attribute("lang") == "en", "the switch changes the language")
        expect(page.locator("#report-title")).to_have_text("Credit report")

        # Create the public report, then verify it and a tampered copy.
        with page.expect_navigation():
            page.get_by_role("button", name="Create the public report").click()
        check("/api/v1/reports/ECR-" in page.url, f"the report opens: {page.url}")
        report_no = page.url.rsplit("/", 1)[1]
        log = api("GET", f"/api/v1/enterprises/{code}/query-log", token)["items"]
        check(
            any(q["report_no"] == report_no and q["action"] == "create" and q["actor"] == "admin" for q in log),
            "creating the report is in the query log, under the signed-in account",
        )
        saved = page.request.get(
            BASE + f"/api/v1/reports/{report_no}", headers={"Accept": "application/json"}
        ).text()
        for text, expected in [(saved, "Genuine"), (saved.replace(name, name + "X", 1), "Not valid")]:
            page.goto(BASE + "/verify")
            page.locator("#field-report").fill(text)
            page.get_by_role("button", name="Verify", exact=True).click()
            expect(page.locator(".verdict")).to_contain_text(expected)
        context.close()

        # The enterprise grants an authorisation to a bank and revokes it.
        context = browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": LANGS["zh-CN"]})
        page = context.new_page()
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        grant_and_revoke(page, token)
        own_code = page.locator(".ws-enterprise a").first.get_attribute("href").rsplit("/", 1)[1]
        file_objection(page, token, own_code)
        submit_held_period(page, token, own_code)
        for label, path in WORKSPACE_PAGES:
            page.goto(BASE + path)
        page.locator("form[action='/sign-out'] button").click()
        page.wait_for_load_state()
        sign_in_as(page, "admin", ADMIN_PASSWORD)
        compare_and_activate(page, token)
        record_and_correct(page, token, code)
        work_the_queues(page, token, own_code)
        manage_accounts_and_keys(page, token)
        page.locator("form[action='/sign-out'] button").click()
        page.wait_for_load_state()
        sign_in_as(page, BANK_USER, BANK_PASSWORD)
        keep_portfolio_and_pull_a_report(page, token)
        check(not csp_errors, f"no CSP violations: {csp_errors}")
        context.close()
        first_period = api("GET", f"/api/v1/enterprises/{code}/operating-records?per_page=1", token)["items"][0]
        # The second challenger's comparison with the new champion, for its pages below.
        api("POST", f"/api/v1/models/{urllib.parse.quote(SECOND_CHALLENGER, safe='')}/comparisons", token)

        # Every page in both languages: axe (its script injected past the CSP) and a screenshot.
        pages = [
            ("home", "/"),
            ("search", "/enterprises?q=%E5%85%AC%E5%8F%B8"),
            ("profile", f"/enterprises/{code}"),
            ("blacklist", "/lists/blacklist"),
            ("redlist", "/lists/redlist"),
            ("verify", "/verify"),
            ("keys", "/keys"),
            ("sign-in", "/sign-in"),
            ("not-found", "/no-such-page"),
        ]
        for lang, accept in LANGS.items():
            ctx = browser.new_context(
                bypass_csp=True,
                locale=lang,
                extra_http_headers={"Accept-Language": accept},
                viewport={"width": 1280, "height": 900},
            )
            page = ctx.new_page()
            for label, path in pages:
                page.goto(BASE + path)
                run_axe(page, f"{label} ({lang})")
                page.screenshot(path=str(SHOTS / f"{label}-{lang}.png"), full_page=True)
            page.goto(BASE + "/sign-in")
            page.locator("#field-username").fill(DEMO_USER)
            page.locator("#field-password").fill("wrong password")
            page.locator("form.stack button[type=submit]").click()
            run_axe(page, f"sign-in error ({lang})")
            page.screenshot(path=str(SHOTS / f"sign-in-error-{lang}.png"), full_page=True)
            page.locator("#field-password").fill(DEMO_PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_url(BASE + "/workspace")
            run_axe(page, f"workspace ({lang})")
            page.screenshot(path=str(SHOTS / f"workspace-{lang}.png"), full_page=True)
            # The keepers' model pages, as the demo regulator.
            for label, path in [
                ("models", "/workspace/models"),
                ("model", model_path(SECOND_CHALLENGER)),
                ("model-activate", model_path(SECOND_CHALLENGER) + "/activate"),
                ("runs", "/workspace/runs"),
                ("queue-proposals", "/workspace/queues/proposals"),
                ("queue-objections", "/workspace/queues/objections"),
                ("queue-submissions", "/workspace/queues/submissions"),
                ("queue-repairs", "/workspace/queues/repairs"),
                ("queue-commitments", "/workspace/queues/commitments"),
                ("keeper-records", f"/workspace/records?enterprise={code}"),
                ("new-event", f"/workspace/enterprises/{code}/credit-events/new"),
                ("statistics", "/workspace/statistics"),
                ("statistics-grade", "/workspace/statistics?by=grade"),
                ("correction", f"/workspace/enterprises/{code}/operating-records/{first_period['id']}"),
            ]:
                page.goto(BASE + path)
                check(page.locator("h1").count() == 1, f"{label} ({lang}) renders")
                run_axe(page, f"{label} ({lang})")
                page.screenshot(path=str(SHOTS / f"{label}-{lang}.png"), full_page=True)
            # A decision page with its forms, and the same form refused for its input.
            page.goto(BASE + "/workspace/queues/proposals")
            page.locator("main table a.button").first.click()
            page.wait_for_load_state()
            run_axe(page, f"queue-proposal ({lang})")
            page.screenshot(path=str(SHOTS / f"queue-proposal-{lang}.png"), full_page=True)
            page.locator("form.form-grid button[type=submit]").first.click()
            page.wait_for_load_state()
            expect(page.locator("#field-legal_basis-error")).to_be_visible()
            run_axe(page, f"queue-proposal error ({lang})")
            # The bank's pages, as the demo bank.
            page.locator("form[action='/sign-out'] button").click()
            page.wait_for_load_state()
            sign_in_as(page, BANK_USER, BANK_PASSWORD)
            for label, path in [("portfolio", "/workspace/portfolio"), ("grants", "/workspace/grants")]:
                page.goto(BASE + path)
                run_axe(page, f"{label} ({lang})")
                page.screenshot(path=str(SHOTS / f"{label}-{lang}.png"), full_page=True)
            # The enterprise workspace, as the demo enterprise.
            page.locator("form[action='/sign-out'] button").click()
            page.wait_for_load_state()
            sign_in_as(page, ENTERPRISE_USER, ENTERPRISE_PASSWORD)
            for label, path in WORKSPACE_PAGES:
                page.goto(BASE + path)
                run_axe(page, f"{label} ({lang})")
                page.screenshot(path=str(SHOTS / f"{label}-{lang}.png"), full_page=True)
            # A grant refused for its input: the error beside the field.
            page.goto(BASE + "/workspace/authorizations")
            page.locator("#field-bank_organisation_id").select_option(label="Demo Bank")
            page.locator("#field-expires_on").fill("2001-01-01")
            page.locator("form[action='/workspace/authorizations'] button[type=submit]").click()
            page.wait_for_load_state()
            expect(page.locator("#field-expires_on-error")).to_be_visible()
            run_axe(page, f"ws-authorizations error ({lang})")
            page.screenshot(path=str(SHOTS / f"ws-authorizations-error-{lang}.png"), full_page=True)
            # The admin's accounts and keys, and a refused account.
            page.locator("form[action='/sign-out'] button").click()
            page.wait_for_load_state()
            sign_in_as(page, SHOTS_ADMIN, SHOTS_ADMIN_PASSWORD)
            for label, path in [
                ("accounts", "/workspace/accounts"),
                ("account", "/workspace/accounts/browser-bank"),
                ("keys-admin", "/workspace/keys"),
            ]:
                page.goto(BASE + path)
                check(page.locator("h1").count() == 1, f"{label} ({lang}) renders")
                run_axe(page, f"{label} ({lang})")
                page.screenshot(path=str(SHOTS / f"{label}-{lang}.png"), full_page=True)
            page.goto(BASE + "/workspace/accounts")
            page.locator("#field-username").fill("browser-bank")
            page.locator("#field-role").select_option("enterprise")
            page.locator("#field-password").fill("short")
            page.locator("form[action^='/workspace/accounts#'][method='post'] button[type=submit]").click()
            page.wait_for_load_state()
            expect(page.locator("#field-enterprise-error")).to_be_visible()
            run_axe(page, f"accounts error ({lang})")
            page.screenshot(path=str(SHOTS / f"accounts-error-{lang}.png"), full_page=True)
            # A small screen.
            page.set_viewport_size({"width": 390, "height": 800})
            page.goto(BASE + f"/enterprises/{code}")
            page.screenshot(path=str(SHOTS / f"profile-mobile-{lang}.png"), full_page=True)
            ctx.close()
        browser.close()

    print(f"screenshots: {SHOTS.resolve()}")
    if failures:
        print(f"{len(failures)} browser check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("browser tests passed")


if __name__ == "__main__":
    main()
