"""``nianbao schedule --print systemd|cron``: the nightly crawl as the operator's system runs
it — a service and timer, or a crontab line — for this installation's paths.

Printed, never installed: where units go and who runs them is the operator's decision
(docs/operations.md). The job crawls, then backs up; its exit status is the crawl's (0 done,
1 done with changes worth a look, 2 failed), which systemd's ``OnFailure=`` or cron's mail
can act on.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from . import cli
from .archive import db_option

KEEP_DAYS = 30  # logs older than this are deleted by the next run


def nightly_command(db: Path, registry: Path, backup: Path | None, logs: Path) -> str:
    """One log file per run in ``logs`` (named by its start time), the oldest rotated out."""
    exe = shlex.quote(str(Path(sys.executable)))
    folder = shlex.quote(str(logs))
    log = f'"{folder}/crawl-$(date -u +%Y%m%dT%H%M%SZ).log"'
    rotate = f'mkdir -p {folder} && find {folder} -name "crawl-*.log" -mtime +{KEEP_DAYS} -delete'
    crawl = (
        f"{exe} -m crawler crawl --registry {shlex.quote(str(registry))} "
        f"--db {shlex.quote(str(db))} --wait"
    )
    # the crawl's status is the job's; a backup after a failed crawl still runs
    steps = f'{rotate}; log={log}; {crawl} >> "$log" 2>&1; status=$?'
    if backup:
        steps += (
            f"; {exe} -m crawler backup --db {shlex.quote(str(db))} "
            f'--to {shlex.quote(str(backup))} >> "$log" 2>&1 || status=2'
        )
    return f"{steps}; exit $status"


def systemd(command: str, workdir: Path, at: str) -> str:
    return f"""# /etc/systemd/system/nianbao.service
[Unit]
Description=nianbao nightly crawl of the county portals
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
WorkingDirectory={workdir}
ExecStart=/bin/sh -c {shlex.quote(command).replace("%", "%%").replace("$", "$$")}
# 1 is "done, with portal changes worth a look": not a failure of the unit
SuccessExitStatus=1
Nice=10
TimeoutStartSec=20h

# /etc/systemd/system/nianbao.timer
[Unit]
Description=nianbao every night

[Timer]
OnCalendar=*-*-* {at}:00
RandomizedDelaySec=15min
Persistent=true

[Install]
WantedBy=timers.target
"""


def cron(command: str, workdir: Path, at: str) -> str:
    hour, minute = at.split(":")
    line = f"cd {shlex.quote(str(workdir))} && /bin/sh -c {shlex.quote(command)}"
    return (
        "# crontab -e (cron mails any output; the log has the details)\n"
        # cron reads % as a newline
        f"{int(minute)} {int(hour)} * * * {line.replace('%', chr(92) + '%')}\n"
    )


@cli.command()
@click.option("--print", "kind", required=True, type=click.Choice(["systemd", "cron"]),
              help="What to print: a systemd service and timer, or a crontab line.")  # fmt: skip
@click.option("--registry", required=True, type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--backup-to", type=click.Path(file_okay=False, path_type=Path),
              help="Back the archive up here after each crawl.")  # fmt: skip
@click.option("--logs", "logs", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the per-run logs (default: <archive>-logs/ beside it).")  # fmt: skip
@click.option("--at", default="02:30", show_default=True, help="Time of day (HH:MM).")
def schedule(kind: str, registry: Path, db_path: Path, backup_to: Path | None,
             logs: Path | None, at: str) -> None:  # fmt: skip
    """Print the nightly job (crawl, then backup) for systemd or cron, with this
    installation's paths. Nothing is installed."""
    hour, _, minute = at.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise click.BadParameter(f"{at!r} is not HH:MM", param_hint="--at")
    db = db_path.resolve()
    logs = (logs or db.with_name(db.stem + "-logs")).resolve()
    command = nightly_command(db, registry.resolve(), backup_to and backup_to.resolve(), logs)
    click.echo((systemd if kind == "systemd" else cron)(command, Path.cwd(), f"{hour}:{minute}"))
