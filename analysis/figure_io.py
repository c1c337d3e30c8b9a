"""Shared by the figure scripts: saving a figure as PNG and PDF, each under a temporary name and
renamed when complete, with no timestamps in the files (so they are reproducible).

A script stopped by SIGTERM or Ctrl-C removes the temporary it was writing and exits 130, so an
interrupted script never leaves a partial file behind (offloadsim also removes them)."""
import os
import signal

import matplotlib.pyplot as plt


def _stop(signum, frame):
    raise SystemExit(130)


signal.signal(signal.SIGTERM, _stop)
signal.signal(signal.SIGINT, _stop)


def journal_note(final):
    """Tells the run that started this script (sim/io/run_journal.h) that `final` is about to appear,
    so that a run which does not finish removes it."""
    journal = os.environ.get("OFFLOADSIM_RUN_JOURNAL")
    if journal:
        with open(journal, "a") as out:
            out.write(f"w {os.path.abspath(final)}\n")


def save(fig, out_dir, stem):
    for ext in ("png", "pdf"):
        final = os.path.join(out_dir, f"{stem}.{ext}")
        tmp = f"{final}.partial-{os.getpid()}.{ext}"
        metadata = {"CreationDate": None} if ext == "pdf" else {"Software": None}
        try:
            fig.savefig(tmp, dpi=200, bbox_inches="tight", metadata=metadata)
            journal_note(final)
            os.replace(tmp, final)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
    plt.close(fig)
