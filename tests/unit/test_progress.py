"""Sync progress views: counts from Belay's keywords and the byte counts, as a widget bar or text lines."""

import inspect

from belay_jupyter.widgets.progress import ProgressCounts, TextProgress, WidgetProgress

REPORTS = [
    {"description": "Fetching remote hashes..."},
    {"total": 2, "total_bytes": 3072},
    {"description": "Pushing: main.py"},
    {"advance_bytes": 1024},
    {"advance": 1},
    {"description": "Pushing: lib/util.py"},
    {"advance_bytes": 1024},
]


def test_counts_follow_files_and_bytes():
    counts = ProgressCounts()
    for report in REPORTS:
        counts.update(**report)
    assert (counts.files_done, counts.files_total, counts.bytes_done, counts.bytes_total) == (1, 2, 2048, 3072)
    assert counts.summary() == "files 1/2, KiB 2.0/3.0"


def test_counts_without_byte_reports_show_files_only():
    counts = ProgressCounts()
    counts.update(total=3)
    counts.update(advance=1)
    assert counts.summary() == "files 1/3"


def test_widget_bar_counts_bytes_and_the_label_names_the_file():
    progress = WidgetProgress()
    for report in REPORTS:
        progress(**report)
    assert (progress.bar.value, progress.bar.max) == (2048, 3072)
    assert progress.label.value == "lib/util.py — files 1/2, KiB 2.0/3.0"
    assert "belay-progress" in progress.widget._dom_classes
    progress(advance=1)
    progress(description="Complete.")
    assert progress.bar.value == progress.bar.max
    assert progress.bar.bar_style == "success"


def test_widget_bar_counts_files_when_no_bytes_are_reported():
    progress = WidgetProgress()
    progress(total=4)
    progress(advance=1)
    assert (progress.bar.value, progress.bar.max) == (1, 4)


def test_text_progress_prints_one_line_per_file_and_the_totals(capsys):
    progress = TextProgress()
    for report in [*REPORTS, {"advance": 1}, {"advance_bytes": 1024}, {"description": "Complete."}]:
        progress(**report)
    assert capsys.readouterr().out.splitlines() == [
        "[1/2] main.py",
        "[2/2] lib/util.py",
        "Sent files 2/2, KiB 3.0/3.0",
    ]


def test_both_views_take_the_byte_keywords_the_sync_looks_for():
    for view in (TextProgress(), WidgetProgress()):
        assert {"description", "total", "advance", "total_bytes", "advance_bytes"} <= set(
            inspect.signature(view).parameters
        )


def test_the_position_counts_bytes_where_the_sync_gives_them_else_files():
    counts = ProgressCounts()
    assert counts.position() == (0, None)
    counts.update(description="Pushing: a.py", total=3, advance=1)
    assert counts.position() == (1, 3)
    counts.update(total_bytes=2048, advance_bytes=512)
    counts.update(advance=1)
    assert counts.position() == (512, 2048)
