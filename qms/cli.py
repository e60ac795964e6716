"""``flask qms …``: each command a few lines over a service function."""

from __future__ import annotations

import logging
import os
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from whoosh.index import LockError

from qms import clock, conformity, search, tasks
from qms.accounts import organizations, restructure_schedule, users
from qms.audit import anchors, trail
from qms.documents import lifecycle, processing
from qms.errors import DomainError
from qms.extensions import db
from qms.files import store
from qms.legal import reviews as legal_reviews
from qms.models import ApiToken, Revision
from qms.ops import backup, reminders, schema

qms_cli = AppGroup("qms", help="Quản lý hệ thống tài liệu ISO (document control).")


def _fail(error: DomainError) -> None:
    click.echo(f"Lỗi: {error.message}", err=True)
    sys.exit(1)


def _read_file(path: str) -> bytes:
    """The bytes of a file named on the command line, or exit 1 saying why not."""
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError as error:
        click.echo(f"Lỗi: Không đọc được tệp {path}: {error.strerror}.", err=True)
        sys.exit(1)


@qms_cli.command("init")
def init_command() -> None:
    """Create or upgrade the database schema to the latest migration."""
    schema.upgrade(db.engine)
    click.echo("Cơ sở dữ liệu đã được cập nhật.")


@qms_cli.command("create-org")
@click.argument("code")
@click.argument("name")
@click.option("--parent", "parent_code", help="Mã đơn vị cấp trên.")
def create_org_command(code: str, name: str, parent_code: str | None) -> None:
    """Create an organisation CODE named NAME."""
    try:
        organization = organizations.create(db.session, None, code, name, parent_code)
    except DomainError as error:
        _fail(error)
    click.echo(f"Đã tạo đơn vị {organization.code}: {organization.name}")


@qms_cli.command("create-user")
@click.argument("username")
@click.option("--org", "organization_code", required=True, help="Mã đơn vị của người dùng.")
@click.option(
    "--role", "roles", multiple=True, required=True,
    help="secretary, reviewer, approver, staff, inspector, admin, registrar",
)
@click.option("--name", "full_name", default="", help="Họ và tên.")
@click.option("--title", default="", help="Chức vụ.")
@click.option("--email", default="", help="Thư điện tử nhận thông báo.")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ dòng đầu của stdin.")
def create_user_command(
    username: str, organization_code: str, roles: tuple[str, ...], full_name: str, title: str, email: str,
    password_stdin: bool,
) -> None:
    """Create user USERNAME with one or more roles in an organisation."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    try:
        user = users.create(
            db.session, None, username=username, full_name=full_name, title=title,
            organization_code=organization_code, roles=list(roles), password=password, email=email or None,
        )
    except DomainError as error:
        _fail(error)
    click.echo(f"Đã tạo người dùng {user.username} ({', '.join(sorted(r.value for r in user.roles))})")


@qms_cli.command("token")
@click.argument("username", required=False)
@click.option("--days", type=int, help="Số ngày hiệu lực của mã (mặc định QMS_TOKEN_DAYS).")
@click.option("--revoke", "revoke_id", type=int, metavar="ID", help="Thu hồi mã truy cập số ID thay vì tạo mã mới.")
@click.option("--list", "listing", is_flag=True, help="Liệt kê các mã truy cập của USERNAME.")
def token_command(username: str | None, days: int | None, revoke_id: int | None, listing: bool) -> None:
    """Print a new API token for USERNAME (shown once); --list its tokens; --revoke ID ends one."""
    try:
        if revoke_id is not None:
            token = users.revoke_token(db.session, None, revoke_id)
            click.echo(f"Đã thu hồi mã truy cập {token.id} của {token.user.username}.")
            return
        if not username:
            raise click.UsageError("Cần USERNAME (hoặc --revoke ID).")
        user = users.by_username(db.session, username)
        if listing:
            for token in users.list_tokens(db.session, user):
                click.echo(
                    f"{token.id}\tcấp {token.created_at:%Y-%m-%d %H:%M}\t{_token_state(token)}"
                    f"\tdùng lần cuối {token.last_used_at.isoformat(timespec='minutes') if token.last_used_at else '—'}"
                )
            return
        lifetime = current_app.config["TOKEN_DAYS"] if days is None else days
        click.echo(users.issue_token(db.session, None, user, days=lifetime))
    except DomainError as error:
        _fail(error)


def _token_state(token: ApiToken) -> str:
    if token.revoked_at is not None:
        return f"đã thu hồi {token.revoked_at:%Y-%m-%d %H:%M}"
    expires = f"{token.expires_at:%Y-%m-%d %H:%M}" if token.expires_at else "—"
    return f"hết hạn {expires}" if not users.token_is_live(token, clock.now()) else f"còn hiệu lực đến {expires}"


@qms_cli.command("take-effect")
def take_effect_command() -> None:
    (
        "Let approved revisions whose date has come take effect, carry out restructures scheduled for today or "
        "before and open legal reviews due (for cron; requests do it too)."
    )
    today = clock.today()
    done = lifecycle.take_effect_due(db.session, today)
    restructured = restructure_schedule.carry_out_due(db.session, today)
    if restructured:
        click.echo(f"{len(restructured)} sắp xếp đơn vị đã hẹn được thực hiện.")
    changed = legal_reviews.refresh_reviews(db.session, today)
    reminded = reminders.send_due_reminders(db.session, today)
    tasks.enqueue_notices(db.session)
    if reminded:
        click.echo(f"{reminded} lời nhắc (xem xét định kỳ, xác nhận đã đọc) đã được gửi.")
    click.echo(f"{len(done)} phiên bản có hiệu lực; {changed} mục rà soát căn cứ pháp lý được mở hoặc đóng.")


@qms_cli.command("send-digests")
@click.option("--through", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Gửi bản tổng hợp của các ngày đến hết ngày này (mặc định: hôm qua).")
def send_digests_command(through: datetime | None) -> None:
    """Mail each daily-digest reader one mail per day of their notices (for cron, shortly after midnight)."""
    if not current_app.config.get("SMTP_URL"):
        click.echo("Chưa cấu hình QMS_SMTP_URL: không gửi thư.")
        return
    sent = tasks.digests(current_app, through=through.date() if through else None)
    click.echo(f"Đã gửi {sent} thư tổng hợp.")


@qms_cli.command("recheck")
def recheck_command() -> None:
    "Check again the revisions whose findings an older version of the reader made (run after an upgrade)."
    today = clock.today()
    count = conformity.recheck_outdated(db.session, today, files=store.file_store(current_app))
    click.echo(f"{count} phiên bản được kiểm tra lại (bộ đọc phiên bản {conformity.CHECKER_VERSION}).")


@qms_cli.command("anchor")
def anchor_command() -> None:
    """Write today's anchor of the audit chain head to the append-only file beside the backups (for cron)."""
    anchor_file = anchors.anchor_file(current_app)
    today = clock.today()
    try:
        anchor = anchors.anchor_daily(db.session, anchor_file, today)
    except OSError as error:
        click.echo(f"Không ghi được neo đầu chuỗi vào {anchor_file.path}: {error}", err=True)
        sys.exit(1)
    if anchor is None:
        click.echo(f"Đã neo đầu chuỗi hôm nay trong {anchor_file.path}.")
    else:
        click.echo(f"Đã neo đầu chuỗi vào {anchor_file.path}: {anchor.line().strip()}")


@qms_cli.command("verify")
def verify_command() -> None:
    """Re-check the audit chain and every stored file; exit 1 naming the first bad one."""
    _verify_or_exit()


def _verify_or_exit(expected_head: str | None = None) -> None:
    """The audit chain, every file and the search index against the database (and the chain head expected)."""
    report = trail.verify(db.session, store.file_store(current_app), anchors.anchor_file(current_app))
    click.echo(f"Nhật ký: {report.entries} mục; tệp: {report.files}; đầu chuỗi: {report.head_hash}")
    problems = report.problems + _index_problems()
    if expected_head and report.head_hash != expected_head:
        problems.append(f"audit chain head {report.head_hash} is not the one the backup recorded, {expected_head}")
    if problems:
        for problem in problems:
            click.echo(f"SAI: {problem}", err=True)
        sys.exit(1)
    click.echo("Toàn vẹn: OK")


def _index_problems() -> list[str]:
    """Differences between the search index and the database, after catching up with the log."""
    index = search.search_index(current_app)
    try:
        while index.apply_log(db.engine, timeout=30, max_ops=2000):
            pass
        comparison = index.compare(db.engine)
    except search.IndexUnavailable as error:
        return [str(error)]
    problems = [f"search index lacks revision {r}" for r in comparison.missing]
    problems += [f"search index has revision {r}, which is not in the database" for r in comparison.extra]
    problems += [f"search index holds revision {r} more than once" for r in comparison.duplicated]
    problems += [f"search index has an old status for revision {r}" for r in comparison.stale]
    problems += [f"search index lacks record {r}" for r in comparison.missing_records]
    problems += [f"search index has record {r}, which is not in the database" for r in comparison.extra_records]
    if problems:
        problems.append("repair with: flask qms reindex --missing")
    return problems


@qms_cli.command("demo")
def demo_command() -> None:
    """Load a demo agency with realistic documents in every state (once)."""
    from qms import demo

    schema.upgrade(db.engine)
    loaded = demo.load(db.session, store.file_store(current_app), clock.today())
    search.search_index(current_app).apply_log(db.engine, timeout=30)
    if loaded:
        click.echo("Đã nạp dữ liệu mẫu. Đăng nhập: " + ", ".join(f"{u}/{p}" for u, p in demo.LOGINS))
    else:
        click.echo("Dữ liệu mẫu đã có sẵn.")


def init_app(app: Flask) -> None:
    app.cli.add_command(qms_cli)


@qms_cli.command("reindex")
@click.option("--catch-up", "catch_up", is_flag=True, help="Chỉ áp dụng các thay đổi chưa vào chỉ mục.")
@click.option("--missing", is_flag=True, help="So sánh với CSDL và sửa phần thiếu, thừa, lệch.")
def reindex_command(catch_up: bool, missing: bool) -> None:
    """Rebuild the search index into a new directory and swap it in (or only catch up / repair)."""
    index = search.search_index(current_app)
    if catch_up:
        applied = 0
        while batch := index.apply_log(db.engine, timeout=30, max_ops=2000):
            applied += batch
        try:
            segments = index.merge_segments()
        except LockError:  # the background merge of a server is at work: the log is applied, the merge waits
            click.echo(f"Đã cập nhật {applied} phiên bản vào chỉ mục; một lần gộp phân đoạn khác đang chạy, "
                       "chưa gộp thêm.")
            return
        click.echo(f"Đã cập nhật {applied} phiên bản vào chỉ mục ({segments} phân đoạn trước khi gộp).")
        return
    if missing:
        comparison = index.compare(db.engine)
        fixed = index.repair(db.engine, comparison)
        click.echo(f"Đã sửa {fixed} mục chỉ mục.")
        return
    with click.progressbar(length=1, label="Xây dựng chỉ mục") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        count = index.rebuild(db.engine, progress)
    click.echo(f"Đã xây dựng lại chỉ mục: {count} mục (phiên bản và hồ sơ).")


@qms_cli.command("import-procedures")
@click.argument("file_path", metavar="FILE")
@click.option("--org", "organization_code", required=True, help="Mã đơn vị nhận danh mục.")
def import_procedures_command(file_path: str, organization_code: str) -> None:
    """Import (or re-import) an organisation's TTHC list from a .csv or .xlsx FILE; exit 1 when it cannot be read."""
    from qms.catalogue import procedures

    content = _read_file(file_path)
    try:
        report = procedures.import_procedures(db.session, None, organization_code, os.path.basename(file_path), content)
    except DomainError as error:
        _fail(error)
    counts = report.counts
    click.echo(
        f"Đã nhập danh mục TTHC của {report.organization.name} từ {report.filename}: thêm {counts['added']}, "
        f"thay đổi {counts['changed']}, bãi bỏ {counts['abolished']}, khôi phục {counts['restored']}, "
        f"không đổi {counts['unchanged']}, dòng lỗi {counts['errors']}."
    )
    for title, codes in (("Thêm mới", report.added), ("Bãi bỏ (không còn trong danh mục)", report.abolished),
                         ("Khôi phục", report.restored)):
        if codes:
            click.echo(f"{title}: {', '.join(codes)}")
    for change in report.changed:
        click.echo(f"Thay đổi {change.code}: {', '.join(change.labels)}")
    for row_error in report.errors:
        click.echo(f"Dòng {row_error.row}: {row_error.message}")


@qms_cli.command("import-legal")
@click.argument("file_path", metavar="FILE")
def import_legal_command(file_path: str) -> None:
    """Import (or re-import) the legal-document register from a CSV FILE; exit 1 when it is refused."""
    from qms.legal import csv_import

    content = _read_file(file_path)
    try:
        report = csv_import.import_csv(db.session, None, content, today=clock.today())
        tasks.enqueue_notices(db.session)  # the reviews it opened are told by mail
    except csv_import.ImportRefused as refused:
        for problem in refused.problems:
            click.echo(f"Lỗi: {problem}", err=True)
        sys.exit(1)
    except DomainError as error:
        _fail(error)
    click.echo(
        f"Đã nhập danh mục văn bản pháp luật: thêm {len(report.created)}, cập nhật {len(report.updated)}, "
        f"không đổi {len(report.unchanged)}, văn bản chưa đủ thông tin (tạm) {len(report.stubs)}, "
        f"quan hệ mới {report.relations_added}, mục rà soát thay đổi {report.reviews}."
    )
    if report.stubs:
        click.echo(f"Văn bản tạm cần bổ sung thông tin: {', '.join(report.stubs)}")
    for warning in report.warnings:
        click.echo(f"Cảnh báo: {warning}")


@qms_cli.command("dossier")
@click.argument("organization_code", metavar="ORG_CODE")
@click.argument("out_path", metavar="OUT.zip", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Tình trạng tại ngày YYYY-MM-DD (mặc định hôm nay).",
)
def dossier_command(organization_code: str, out_path: str, as_of: datetime | None) -> None:
    """Write the inspection dossier of ORG_CODE to OUT.zip (registers, files, histories, status, manifest)."""
    from qms.inspection import dossier

    today = clock.today()
    day = as_of.date() if as_of else today
    try:
        with open(out_path, "wb") as out, click.progressbar(length=1, label="Lập hồ sơ kiểm tra") as bar:

            def progress(done: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            manifest = dossier.build(db.session, store.file_store(current_app), None, organization_code, out,
                                     as_of=day, today=today, progress=progress,
                                     anchor_file=anchors.anchor_file(current_app))
    except DomainError as error:
        os.remove(out_path)
        _fail(error)
    click.echo(f"Đã lập hồ sơ kiểm tra {out_path}: {len(manifest.files)} tệp, tình trạng tại ngày {day:%d/%m/%Y}.")
    for problem in manifest.problems:
        click.echo(f"Cảnh báo: {problem}")


@qms_cli.command("verify-dossier")
@click.argument("file_path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
def verify_dossier_command(file_path: str) -> None:
    """Recompute the SHA-256 of every member of a dossier against its manifest; exit 1 naming the first bad member."""
    from qms.inspection.dossier_check import verify_dossier

    check = verify_dossier(file_path)
    if not check.ok:
        click.echo(f"Hồ sơ KHÔNG toàn vẹn: {check.first_bad}", err=True)
        for member, problem in check.problems[1:]:
            click.echo(f"  {member}: {problem}", err=True)
        sys.exit(1)
    head = (check.manifest.get("audit") or {}).get("head_hash")
    click.echo(f"Hồ sơ toàn vẹn: {check.checked} tệp khớp mã SHA-256 trong manifest.json; đầu chuỗi nhật ký {head}")


@qms_cli.command("backup")
@click.argument("dest", metavar="DEST", type=click.Path(path_type=Path))
def backup_command(dest: Path) -> None:
    """Write one consistent archive (.tar) of the database, the files and the non-secret settings, while serving."""
    try:
        manifest = backup.write_backup(db.engine, store.file_store(current_app), current_app.config, dest)
    except DomainError as error:
        _fail(error)
    database, audit_head = manifest["database"], manifest["database"]["audit"]
    click.echo(f"Đã sao lưu vào {manifest['path']}: {database['kind']} (lược đồ {database['schema_revision']}), "
               f"{manifest['files']} tệp, đầu chuỗi nhật ký {audit_head['seq']}: {audit_head['head_hash']}")
    click.echo(f"Không sao lưu: {', '.join(backup.EXCLUDED)}.")


@qms_cli.command("restore")
@click.argument("archive", metavar="ARCHIVE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore ARCHIVE into an empty installation, rebuild the search index, then verify everything."""
    try:
        report = backup.restore(archive, db.engine, store.file_store(current_app), search.search_index(current_app),
                                progress=lambda step: click.echo(f"Khôi phục: {step}…"))
    except DomainError as error:
        _fail(error)
    click.echo(f"Đã khôi phục {report.files} tệp; chỉ mục tìm kiếm: {report.revisions_indexed} phiên bản.")
    _verify_or_exit(expected_head=report.manifest["database"]["audit"]["head_hash"])


@qms_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Số luồng xử lý (mặc định QMS_TASKS_WORKERS).")
def worker_command(workers: int | None) -> None:
    """Run the task queue's consumer: conversions and recognitions of uploads (one per host; stop with Ctrl-C)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = tasks.task_queue(app)
    if queue.huey.immediate:
        click.echo("Lỗi: hàng đợi đang ở chế độ chạy ngay (QMS_TASKS_IMMEDIATE), không cần bộ xử lý.", err=True)
        sys.exit(1)
    logging.getLogger("huey").setLevel(app.config["LOG_LEVEL"])  # each job's start, end and retries, as JSON lines
    requeued = tasks.recover(app, queue, at_start=True)
    click.echo(f"Bộ xử lý hàng đợi bắt đầu; {requeued} việc đang chờ được đưa lại vào hàng đợi.")
    consumer = queue.huey.create_consumer(
        workers=workers or int(app.config["TASKS_WORKERS"]), worker_type="thread", periodic=True,
        # An idle SQLite queue is polled; Huey's default backoff up to 10 s left uploads waiting for seconds.
        max_delay=float(app.config["TASKS_POLL_INTERVAL"]),
    )
    consumer.run()


@qms_cli.command("renditions")
@click.option("--rebuild", is_flag=True, help="Chuyển đổi / nhận dạng lại mọi phiên bản có bản chuyển đổi.")
def renditions_command(rebuild: bool) -> None:
    """Convert or recognise again every revision that has a rendition (after a converter upgrade), with progress."""
    if not rebuild:
        click.echo("Dùng: flask qms renditions --rebuild", err=True)
        sys.exit(2)
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def progress(number: int, total: int, revision: Revision, outcome: str) -> None:
        click.echo(f"[{number}/{total}] {revision.document.code} phiên bản {revision.number}: {outcome}")

    counts = processing.rebuild(db.session, store.file_store(app), processing.limits_from(app.config), progress)
    click.echo(f"Xong: {counts['done']} đã chuyển đổi lại, {counts['failed']} không thành công, "
               f"{counts['skipped']} bỏ qua (đang được xử lý).")
    if counts["failed"]:
        sys.exit(1)
