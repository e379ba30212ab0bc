"""The ten real reports of the original system, checked end to end against their packs.

``GOLDENS`` says, for each report, which section of its pack every section-level heading is. It
was written by reading the reports and the packs' sections, not copied from the tool: a heading is
a section only when its content really is that section, and None when it is no section of the pack
(an "Executive Summary" in a pack without one). The matcher must agree with that reading. Each
report's findings are kept as a text snapshot in the CLI's line format, so a change in what the
tool reports on real reports shows up as a diff to review.

The reports have no front matter, so each is checked with an explicit pack.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from aicmo_core.check import ReportResult
from aicmo_core.formatters import finding_line, summary_line
from aicmo_core.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "goldens"

# (1-based line, heading text as written, section id or None when it is no section of the pack)
Heading = tuple[int, str, str | None]

GOLDENS: dict[str, tuple[str, list[Heading]]] = {
    "quick_social_basic_d2c.md": (
        "quick_social_basic",
        [
            (3, "1. Brand & Objectives", "overview"),
            (10, "2. Executive Summary", None),
            (14, "3. Situation Analysis", None),
            (18, "4. Strategy", None),
            # three pillars; the report's own Content Buckets section comes later
            (22, "5. Content Pillars", None),
            (28, "6. 30-Day Content Calendar", "detailed_30_day_calendar"),
            (37, "7. Platform Strategy", None),
            (48, "8. Content Buckets", "content_buckets"),
            (55, "9. Engagement Tactics", None),
            (62, "10. KPIs & Success Metrics", "kpi_plan_light"),
            (74, "11. Next 30 Days Action Plan", "execution_roadmap"),
        ],
    ),
    "strategy_campaign_basic_fitness.md": (
        "strategy_campaign_basic",
        [
            (3, "Brand & Objectives", "overview"),
            (11, "Executive Summary", None),
            (15, "Positioning", None),
            (19, "Situation Analysis", None),
            (23, "Strategy", None),
            (27, "Strategic Pillars", None),
            (33, "Campaign Big Idea", "core_campaign_idea"),
            (37, "Campaign Tactics", None),
            (57, "Content Calendar", "detailed_30_day_calendar"),
            (65, "KPI Framework", None),
            (77, "Budget Allocation", None),
            (85, "Messaging Framework", "messaging_framework"),
            (95, "Next 90 Days Action Plan", None),
        ],
    ),
    "strategy_campaign_standard_luxotica.md": (
        "strategy_campaign_standard",
        [
            (3, "Brand & Objectives", "overview"),
            (11, "Executive Summary", None),
            (15, "Positioning", None),
            (19, "Situation Analysis", None),
            (23, "Strategy", None),
            (27, "Strategic Pillars", None),
            (33, "Campaign Big Idea", "core_campaign_idea"),
            # content series and events, not ad executions
            (37, "Campaign Concepts", None),
            (48, "Content Calendar", "detailed_30_day_calendar"),
            # one channel's keywords and budget, not a plan across channels
            (57, "SEO & Paid Search Strategy", None),
            (67, "Showroom Experience Protocol", None),
            # KPI targets: the KPI half of this tier's KPI & budget plan
            (75, "KPI Framework", "kpi_and_budget_plan"),
            (89, "Next 30 Days Action Plan", "execution_roadmap"),
        ],
    ),
    "strategy_campaign_premium_edtech.md": (
        "strategy_campaign_premium",
        [
            (3, "Brand & Objectives", "overview"),
            (9, "Executive Summary", None),
            (13, "Positioning", "value_proposition_map"),
            (17, "Strategy", None),
            # the tactics by channel: the Channel & Tactic Strategy
            (21, "Campaign Tactics", "channel_plan"),
            (30, "Content Strategy", None),
            (34, "KPI Framework", "kpi_and_budget_plan"),
            # a 12-week campaign with weekly themes and deadline pushes
            (41, "Enrollment Campaign Timeline", "detailed_30_day_calendar"),
        ],
    ),
    "strategy_campaign_enterprise_financial.md": (
        "strategy_campaign_enterprise",
        [
            (3, "Brand & Objectives", "overview"),
            (9, "Executive Summary", "cxo_summary"),
            (13, "Positioning", "value_proposition_map"),
            (17, "Strategy", None),
            (21, "Campaign Approach", None),
            (25, "Key Tactics", "channel_plan"),
            # KPI targets, no budget: this tier's Measurement Framework & KPIs
            (33, "KPI Framework", "measurement_framework"),
            # quarterly themes over the campaign, as in the premium report
            (41, "Client Acquisition Timeline", "detailed_30_day_calendar"),
        ],
    ),
    "full_funnel_growth_suite_saas.md": (
        "full_funnel_growth_suite",
        [
            (3, "Brand & Objectives", "overview"),
            (9, "Executive Summary", None),
            (13, "Positioning", "value_proposition_map"),
            # the report's four funnel stages are the pack's four stage sections, in order
            (17, "Awareness & Demand Generation", "awareness_strategy"),
            (21, "Lead Generation & Trial Conversion", "consideration_strategy"),
            (25, "Conversion Optimization", "conversion_strategy"),
            (29, "Retention & Expansion", "retention_strategy"),
            (33, "Key Metrics", "kpi_and_budget_plan"),
            (42, "Growth Loop", None),
        ],
    ),
    "launch_gtm_consumer_electronics.md": (
        "launch_gtm_pack",
        [
            (3, "Brand & Objectives", "overview"),
            (9, "Executive Summary", None),
            (13, "Launch Strategy", "launch_phases"),
            (17, "Product Positioning", "product_positioning"),
            (21, "Go-to-Market Tactics", "launch_campaign_ideas"),
            (29, "Content Strategy", None),
            (33, "KPI Framework", None),
            # activities by week range: the roadmap, not a content calendar
            (40, "Launch Timeline", "execution_roadmap"),
        ],
    ),
    "performance_audit_activegear.md": (
        "performance_audit_revamp",
        [
            (3, "Brand Overview", "overview"),
            (9, "Executive Summary", None),
            (13, "Current Performance Baseline", "account_audit"),
            # one channel review in three parts (the tool reports the later two as duplicates)
            (20, "Channel Deep-Dive: Meta Ads", "campaign_level_findings"),
            (26, "Channel Deep-Dive: Google Ads", "campaign_level_findings"),
            (32, "Channel Deep-Dive: TikTok", "campaign_level_findings"),
            (38, "Conversion Rate Optimization", "conversion_audit"),
            (42, "Attribution & Tracking", "kpi_reset_plan"),
            (46, "Budget Reallocation Plan", None),
            (53, "Projected Impact", None),
            (60, "Implementation Roadmap", "execution_roadmap"),
        ],
    ),
    "retention_crm_coffee.md": (
        "retention_crm_booster",
        [
            (3, "Brand & Objectives", "overview"),
            (9, "Business Context", None),
            # two sentences of current state; the churn signals and levers come under Churn Prevention
            (13, "Retention Challenge", None),
            (17, "Retention Strategy", None),
            (21, "CRM Program Architecture", "customer_segments"),
            # product features and perks, not campaign ideas with offers and triggers
            (28, "Retention Tactics", None),
            (37, "Churn Prevention", "churn_diagnosis"),
            (41, "Reactivation Campaign", "winback_sequence"),
            (45, "Retention KPIs", "kpi_plan_retention"),
            # more health metrics: a second part of the KPI section (reported as a duplicate)
            (53, "Engagement Metrics", "kpi_plan_retention"),
        ],
    ),
    "brand_turnaround_furniture.md": (
        "brand_turnaround_lab",
        [
            (3, "Brand & Business Context", "overview"),
            (9, "Situation Analysis", "brand_audit"),
            # the primary goal the overview lacks (reported as a duplicate of it)
            (13, "Turnaround Objectives", "overview"),
            (17, "Strategic Pillars", None),
            (24, "Reputation Recovery", "reputation_recovery_plan"),
            (28, "Marketing Reset", "channel_reset_strategy"),
            (32, "Customer Win-Back", None),
            (36, "KPI Dashboard", None),
            (44, "Milestones", "execution_roadmap"),
        ],
    ),
}

WORKSPACE = Workspace(stop_at=FIXTURES)


class TextSnapshot(SingleFileSnapshotExtension):
    """One plain text file per snapshot, so a change reads as an ordinary diff."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


def check(name: str) -> ReportResult:
    path = FIXTURES / name
    result, problems = WORKSPACE.check_text(path.read_text(encoding="utf-8"), path, GOLDENS[name][0])
    assert problems == []
    return result


def test_every_golden_has_a_hand_mapping() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.md")) == sorted(GOLDENS)


@pytest.mark.parametrize("name", sorted(GOLDENS), ids=lambda name: name.removesuffix(".md"))
def test_headings_name_the_sections_a_reader_sees(name: str) -> None:
    result = check(name)
    matched = [
        (s.section.start_line + 1, s.section.heading.text, s.section.match.section_id)
        for s in result.sections
        if s.section.heading is not None
    ]
    assert matched == GOLDENS[name][1]


@pytest.mark.parametrize("name", sorted(GOLDENS), ids=lambda name: name.removesuffix(".md"))
def test_findings(name: str, snapshot: SnapshotAssertion) -> None:
    result = check(name)
    lines = [finding_line(name, finding) for finding in result.findings]
    lines.append(summary_line([result]))
    assert "\n".join(lines) + "\n" == snapshot.use_extension(TextSnapshot)
