"""Shared by the figure scripts: saving a figure as PNG and PDF, each under a temporary name and
renamed when complete, with no timestamps in the files (so they are reproducible)."""
import os

import matplotlib.pyplot as plt


def save(fig, out_dir, stem):
    for ext in ("png", "pdf"):
        final = os.path.join(out_dir, f"{stem}.{ext}")
        tmp = f"{final}.partial-{os.getpid()}.{ext}"
        metadata = {"CreationDate": None} if ext == "pdf" else {"Software": None}
        fig.savefig(tmp, dpi=200, bbox_inches="tight", metadata=metadata)
        os.replace(tmp, final)
    plt.close(fig)
