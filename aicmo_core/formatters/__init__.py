"""Renderers of check results: terminal text, the documented JSON shape, and SARIF 2.1.0."""

from aicmo_core.formatters.json_format import report_json, results_json
from aicmo_core.formatters.sarif import results_sarif
from aicmo_core.formatters.text import finding_line, summary_line

__all__ = ["finding_line", "report_json", "results_json", "results_sarif", "summary_line"]
