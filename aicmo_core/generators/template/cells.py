"""The words of tables: what a section's table looks like and what its cells say.

The kinds of section (read from words in its id and label), the columns, default rows and cell pools
of each kind's table, the cells of rows with a well-known name (funnel stages, email flows, KPI
areas), and the platforms, themes and post ideas of a 30-day content calendar.
"""

from __future__ import annotations

from enum import Enum

from aicmo_core.generators.template.vocabulary import METRICS


class Kind(Enum):
    """What a section's table (and some of its bullets) look like, from words in its id and label."""

    CALENDAR = "calendar"
    HASHTAGS = "hashtags"
    STAGES = "stages"
    PHASES = "phases"
    FLOWS = "flows"
    METRICS = "metrics"
    EXPERIMENTS = "experiments"
    GENERAL = "general"


KIND_WORDS = (
    (Kind.CALENDAR, ("calendar",)),
    (Kind.HASHTAGS, ("hashtag",)),
    (Kind.STAGES, ("funnel", "journey")),
    (Kind.PHASES, ("roadmap", "timeline", "phases")),
    (Kind.FLOWS, ("flow", "sequence", "email", "sms")),
    (Kind.METRICS, ("kpi", "measurement", "metric")),
    (Kind.EXPERIMENTS, ("optimization", "optimisation", "experiment", "opportunit")),
)
TABLE_COLUMNS = {
    Kind.STAGES: ("Stage", "Goal", "Key Touchpoint", "Measure"),
    Kind.PHASES: ("Workstream", "Timing", "Focus", "Milestone"),
    Kind.FLOWS: ("Flow", "Trigger", "Messages", "Goal"),
    Kind.METRICS: ("Area", "Metric", "Review Cadence", "Owner"),
    Kind.EXPERIMENTS: ("Idea", "Hypothesis", "Success Metric", "Effort"),
    Kind.GENERAL: ("Focus Area", "Action", "Owner", "Measure of Success"),
}
DEFAULT_ROWS = {
    Kind.STAGES: ("Awareness", "Consideration", "Conversion", "Retention", "Advocacy"),
    Kind.PHASES: ("Phase 1", "Phase 2", "Phase 3"),
    Kind.FLOWS: ("Welcome Series", "Nurture Flow", "Win-Back Flow"),
    Kind.METRICS: ("Reach", "Engagement", "Conversion", "Retention"),
    Kind.EXPERIMENTS: ("Quick Wins", "High-Impact Experiments", "Longer-Term Bets"),
    Kind.GENERAL: ("First Priority", "Second Priority", "Third Priority"),
    Kind.HASHTAGS: ("Brand Tags", "Industry Tags", "Campaign Tags"),
    Kind.CALENDAR: ("Week 1", "Week 2", "Week 3", "Week 4"),
}
CELLS = {
    "Goal": (
        "Get noticed by {audience}",
        "Earn a first visit",
        "Turn interest into a first order",
        "Bring buyers back for a second order",
        "Turn happy customers into referrers",
        "Build trust with proof",
        "Answer the top objections",
        "Keep new customers active",
    ),
    "Key Touchpoint": (
        "Short-form video",
        "Search results page",
        "Product page",
        "Welcome email",
        "Follow-up after delivery",
        "Referral invite",
        "Retargeting ad",
        "Live chat",
    ),
    "Measure": (
        "Reach and saves",
        "Click-through rate",
        "Conversion rate",
        "Repeat purchase rate",
        "Referral count",
        "Email sign-ups",
        "Cost per acquisition",
        "Time to second order",
    ),
    "Timing": ("Weeks 1-2", "Weeks 3-4", "Weeks 5-8", "Weeks 9-12", "Month 4", "Month 5", "Month 6", "Month 7"),
    "Focus": (
        "Set up tracking and agree baselines",
        "Launch the first campaign wave",
        "Scale the messages that worked",
        "Refine offers from early results",
        "Build the always-on programme",
        "Plan the next quarter from the results",
        "Train the team on the new playbook",
        "Hand over the routines to in-house owners",
    ),
    "Milestone": (
        "Baseline report signed off",
        "First campaign live",
        "Mid-point review held",
        "Budget moved to the best performers",
        "Quarterly results shared",
        "Next-quarter plan agreed",
        "Playbook published for the team",
        "Routines running without agency help",
    ),
    "Trigger": (
        "Email sign-up",
        "First purchase",
        "Browsed without buying",
        "Cart left for four hours",
        "No visit in 30 days",
        "Order delivered",
        "Birthday or anniversary",
        "Loyalty tier reached",
    ),
    "Messages": (
        "Three emails over one week",
        "Two emails and one SMS",
        "Four emails over three weeks",
        "One email and one reminder",
        "Two emails over ten days",
        "One SMS and one email",
        "Three emails over a month",
        "A single, well-timed email",
    ),
    "Metric": METRICS,
    "Review Cadence": ("Weekly", "Every two weeks", "Monthly", "Quarterly", "After each campaign", "Weekly in launch"),
    "Owner": (
        "Marketing lead",
        "Content lead",
        "CRM manager",
        "Paid media lead",
        "Analytics lead",
        "Founder",
        "Community manager",
        "Sales lead",
    ),
    "Hypothesis": (
        "Clearer proof lifts conversion",
        "A shorter form raises sign-ups",
        "Video earns more reach than static posts",
        "A bundle raises average order value",
        "A timely reminder recovers lost carts",
        "Customer stories beat product shots",
        "A clearer headline lowers bounce rate",
        "Free delivery lifts first orders",
    ),
    "Success Metric": (
        "Conversion rate",
        "Sign-up rate",
        "Reach per post",
        "Average order value",
        "Recovered carts",
        "Engagement rate",
        "Bounce rate",
        "First orders",
    ),
    "Effort": ("Low", "Medium", "High", "Low to medium", "Medium to high", "Low, one sprint"),
    "Action": (
        "Audit what exists and keep the best",
        "Write one clear brief and share it",
        "Compare two versions for two weeks",
        "Fix the biggest friction point first",
        "Add proof from real customers",
        "Set a weekly review with an owner",
        "Reuse assets that already perform",
        "Cut the weakest activity and reinvest",
    ),
    "Measure of Success": (
        "Conversion rate",
        "Qualified leads",
        "Repeat purchase rate",
        "Engagement rate",
        "Cost per acquisition",
        "Time saved per week",
        "Share of voice",
        "Customer satisfaction score",
    ),
}
# Cells for rows with a well-known name (funnel and lifecycle stages, email flows, KPI areas), so a
# row says what that stage or flow is for; other rows draw from the column pools above. The first
# key found in the row's name wins, so longer names come before the shorter ones inside them.
ROW_CELLS = (
    (
        "pre purchase",
        {"Goal": "Build trust before the first order", "Key Touchpoint": "Reviews page", "Measure": "Sign-up rate"},
    ),
    (
        "awareness",
        {"Goal": "Get noticed by {audience}", "Key Touchpoint": "Short-form video", "Measure": "Reach and saves"},
    ),
    (
        "consideration",
        {"Goal": "Answer the top objections", "Key Touchpoint": "Search results page", "Measure": "Click-through rate"},
    ),
    (
        "conversion",
        {
            "Goal": "Turn interest into a first order",
            "Key Touchpoint": "Product page",
            "Measure": "Conversion rate",
            "Metric": "Conversion rate",
        },
    ),
    (
        "purchase",
        {"Goal": "Make the first order easy", "Key Touchpoint": "Checkout page", "Measure": "Checkout completion rate"},
    ),
    (
        "onboarding",
        {"Goal": "Deliver a quick first win", "Key Touchpoint": "Welcome email", "Measure": "Activation rate"},
    ),
    (
        "at risk",
        {"Goal": "Spot and fix signs of drift", "Key Touchpoint": "Check-in email", "Measure": "Days since last order"},
    ),
    (
        "active",
        {
            "Goal": "Build a habit of coming back",
            "Key Touchpoint": "Monthly newsletter",
            "Measure": "Purchase frequency",
        },
    ),
    ("lapsed", {"Goal": "Win back past customers", "Key Touchpoint": "Win-back offer", "Measure": "Reactivation rate"}),
    (
        "retention",
        {
            "Goal": "Bring buyers back for a second order",
            "Key Touchpoint": "Follow-up email",
            "Measure": "Repeat purchase rate",
            "Metric": "Repeat purchase rate",
        },
    ),
    (
        "advocacy",
        {
            "Goal": "Turn happy customers into referrers",
            "Key Touchpoint": "Referral invite",
            "Measure": "Referral count",
        },
    ),
    (
        "welcome",
        {
            "Trigger": "Email sign-up",
            "Messages": "Three emails over one week",
            "Goal": "Turn a new subscriber into a first order",
        },
    ),
    (
        "nurture",
        {
            "Trigger": "Browsed without buying",
            "Messages": "Four emails over three weeks",
            "Goal": "Answer the top objections",
        },
    ),
    (
        "re activation",
        {"Trigger": "No order in 60 days", "Messages": "Two emails and one SMS", "Goal": "Win back past customers"},
    ),
    (
        "win back",
        {"Trigger": "No order in 60 days", "Messages": "Two emails and one SMS", "Goal": "Win back past customers"},
    ),
    (
        "transactional",
        {
            "Trigger": "Order placed or shipped",
            "Messages": "One email per order update",
            "Goal": "Keep buyers informed and confident",
        },
    ),
    ("reach", {"Metric": "Monthly reach"}),
    ("engagement", {"Metric": "Engagement rate"}),
)
PLATFORMS = ("Instagram", "TikTok", "LinkedIn", "Facebook", "Email", "YouTube Shorts", "Pinterest")
POST_IDEAS = {
    "education": (
        "How-to tip for {audience}",
        "Myth versus fact about the category",
        "Three mistakes to avoid when choosing",
        "Quick guide to getting started",
        "A customer question, answered",
        "Checklist post to save for later",
    ),
    "proof": (
        "Customer review spotlight",
        "Before-and-after story",
        "Short case study from a repeat buyer",
        "Last month's results in numbers",
        "Team member explains a recent win",
        "Partner quote about working with {brand}",
    ),
    "promo": (
        "Limited offer for new customers",
        "Bundle of the week",
        "Early access for subscribers",
        "Reminder that the offer ends Sunday",
        "Free delivery weekend",
        "Referral reward reminder",
    ),
    "community": (
        "Question of the week",
        "Reshare a customer post with credit",
        "Poll on the next product idea",
        "Shout-out to a local partner",
        "Live Q&A with the team",
        "Caption contest for followers",
    ),
    "behind the scenes": (
        "How the product is made",
        "Meet the people behind {brand}",
        "A day at the studio",
        "Packing orders on a busy day",
        "Sneak peek of what is coming",
        "The story of how {brand} started",
    ),
}
POST_IDEAS["offer"] = POST_IDEAS["promo"]
POST_IDEAS["offers"] = POST_IDEAS["promo"]
THEME_IDEAS = (
    "{theme} post for {audience}",
    "{theme} story told by a customer",
    "{theme} carousel with three key points",
    "{theme} video under 30 seconds",
    "{theme} update from the team",
    "{theme} tip to save for later",
)
CALENDAR_DAYS = 30
