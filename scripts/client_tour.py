"""The README tour through a client generated from the committed OpenAPI document.

Run by scripts/client_tour.sh, which generates the client (package `ecredit_client`) with
openapi-python-client and puts it on the path. Typed models only: every request body is a
generated model and every answer is read through one, as a bank's or a regulator's developer
would use the document. Exits non-zero at the first step that does not behave as documented.

Usage: python client_tour.py BASE_URL ADMIN_PASSWORD
"""

import datetime
import json
import sys

from ecredit_client import AuthenticatedClient, Client
from ecredit_client.api.auth import issue_token
from ecredit_client.api.enterprises import create_enterprise, get_enterprise
from ecredit_client.api.operating_records import (
    correct_operating_record,
    create_operating_record,
    list_operating_records,
)
from ecredit_client.api.reports import create_report, verify_report
from ecredit_client.api.scores import rescore
from ecredit_client.models import (
    EnterpriseInput,
    OperatingInput,
    OperatingPatch,
    Problem,
    ReportRequest,
    SignedReport,
    TokenRequest,
)
from ecredit_client.models.report_kind import ReportKind

CODE = "91330100799655058B"


def check(condition, what):
    if not condition:
        print(f"client tour: FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"client tour: ok: {what}")


def main(base, admin_password):
    anonymous = Client(base_url=base, raise_on_unexpected_status=True)
    token = issue_token.sync(client=anonymous, body=TokenRequest(username="admin", password=admin_password))
    check(not isinstance(token, Problem) and token.access_token, "sign in as admin")
    api = AuthenticatedClient(base_url=base, token=token.access_token, raise_on_unexpected_status=True)

    registered = create_enterprise.sync(
        client=api,
        body=EnterpriseInput(
            code=CODE,
            name="杭州西湖茶电子商务有限公司",
            legal_representative="张三",
            registered_capital=5_000_000.0,
            established_on=datetime.date(2015, 6, 1),
            region_code="330106",
            industry="retail",
        ),
    )
    check(not isinstance(registered, Problem) and registered.code == CODE, "register an enterprise")

    for period, sales in [("2026-07", 1_000_000.0), ("2026-08", 1_100_000.0), ("2026-09", 1_250_000.0)]:
        record = create_operating_record.sync(
            CODE,
            client=api,
            body=OperatingInput(period=period, online_sales=sales, orders=18_000, refund_rate=0.03),
        )
        check(not isinstance(record, Problem) and record.period == period, f"record operating figures for {period}")

    listed = list_operating_records.sync(CODE, client=api)
    september = next(r for r in listed.items if r.period == "2026-09")
    first = correct_operating_record.sync_detailed(
        CODE,
        september.id,
        client=api,
        if_match=f'"{september.meta.version}"',
        body=OperatingPatch(refund_rate=0.041, reason="platform re-issued the September figures"),
    )
    check(first.status_code == 200 and first.parsed.refund_rate == 0.041, "correct a record with If-Match and a reason")
    stale = correct_operating_record.sync_detailed(
        CODE,
        september.id,
        client=AuthenticatedClient(base_url=base, token=token.access_token),
        if_match=f'"{september.meta.version}"',
        body=OperatingPatch(refund_rate=0.05, reason="a second correction from an old copy"),
    )
    check(stale.status_code == 412 and isinstance(stale.parsed, Problem), "a correction from an old copy is refused (412)")

    score = rescore.sync(CODE, client=api)
    check(not isinstance(score, Problem) and score.grade is not None, f"score it (grade {score.grade.value if score else '?'})")

    created = create_report.sync_detailed(CODE, client=api, body=ReportRequest(kind=ReportKind.FULL))
    report = created.parsed
    check(created.status_code == 201 and report.report.kind == ReportKind.FULL, "pull a full report")

    # The typed model written back: other member order, timestamps as Python writes them.
    written_back = SignedReport.from_dict(json.loads(json.dumps(report.to_dict())))
    check(
        json.dumps(written_back.to_dict(), ensure_ascii=False, separators=(",", ":")).encode() != created.content,
        "the client writes the report back differently from how it was served",
    )
    verdict = verify_report.sync(client=anonymous, body=written_back)
    check(verdict.valid, f"verify the report as the client wrote it back ({verdict.problem})")

    tampered = report.to_dict()
    tampered["report"]["rating"]["grade"] = "AAA" if tampered["report"]["rating"]["grade"] != "AAA" else "C"
    verdict = verify_report.sync(client=anonymous, body=SignedReport.from_dict(tampered))
    check(not verdict.valid and verdict.problem.startswith("bad signature"), "a changed grade fails verification")

    enterprise = get_enterprise.sync(CODE, client=anonymous)
    check(enterprise.visibility.value == "public" and enterprise.name, "the public view needs no token")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
