"""The ``template`` generator: writes a section offline, deterministically, from its benchmark and the brief.

It needs no network and no model, so it is the embedded default and the last link of every chain.
The text is built from sentence, bullet and table-cell templates filled with the brief (brand,
industry, audience, goal, voice, ...) and the section's own vocabulary (its label, description and
required sub-headings). Every choice is drawn from a generator seeded with a stable hash of the pack,
the section, the brief, the mode and the attempt, so the same request always gives the same text.

The benchmark is read as a specification, not checked afterwards: required sub-headings come first
(as sub-headings while ``max_headings`` allows, then as bold lead-in labels), required phrases are
written verbatim (``Label:`` phrases as ``**Label:** value`` lines), bullets land between
``min_bullets`` and ``max_bullets``, a table is written when the format asks for one, and sentences
are added until the word count reaches the middle of ``[min_words, max_words]``. Each candidate
sentence, bullet and cell is dropped when it contains a forbidden phrase or pattern or repeats a
line, and a brief value that contains one is left out. Counting uses the same functions as the
rules (:mod:`aicmo_core.document.text`).

The three modes: ``regenerate`` writes anew; ``expand`` keeps the writer's text byte for byte and
appends material; ``fix`` edits only the lines the failures point at and appends what they say is
missing.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from aicmo_core.benchmarks.models import SectionBenchmark, SectionFormat
from aicmo_core.document.model import BOLD_LABEL_RE, Section, standalone_section
from aicmo_core.document.text import count_words, line_key, normalize_heading, phrase_pattern, sentence_bounds
from aicmo_core.generators.base import (
    Brief,
    Failure,
    Generation,
    GenerationRequest,
    GeneratorSettings,
    Mode,
    register_generator,
)

# --------------------------------------------------------------------------------------------------
# Vocabulary. Sentences never start with a brief value: the sentence splitter only ends a sentence
# before a capital or a digit, and a brand may start with a lower-case letter or an emoji.

_INTRO = (
    "In this section on {label}, we set out how {brand} will reach and keep {audience_full}.",
    "This part of the report covers the {label} for {brand}, written with {audience_full} in mind.",
    "The {label} part of this report shows what {brand} will do for {audience_full}, and in what order.",
)
_INTRO_GOAL = (
    "Every step in it is judged against one goal: {goal_full}.",
    "Each choice here serves the primary goal: {goal_full}.",
)
_INTRO_DESCRIPTION = "In short, it covers {description}."

_GENERAL = (
    "For {brand}, the priority is to earn the trust of {audience} before asking for a sale.",
    "The tone stays {voice}, so the brand sounds the same in every channel.",
    "We start with what {audience} already care about, not with what we want to say.",
    "Work that does not serve the primary goal is parked rather than half-done.",
    "Decisions here lean on evidence from reviews, search data and sales records.",
    "Rivals {industry_in} are loud, so {brand} wins by being specific and useful.",
    "Small tests come first, and budget follows the ideas that prove themselves.",
    "Every claim we make should be one {brand} can back with a real example.",
    "A named owner and a review date sit behind each action in this section.",
    "The plan favours fewer, better pieces of work over a long list of tasks.",
    "We write for {audience} in plain words, with one clear next step each time.",
    "Progress is reviewed every two weeks, and the plan changes when the numbers say so.",
    "What we learn here feeds straight into the next part of this report.",
    "Clear proof beats bold promises, especially for buyers {industry_in}.",
    "Where data is thin, we say so and set up a way to collect it.",
    "The team keeps one shared tracker, so nobody works from an old version.",
    "Quick wins build momentum while the larger pieces of work take shape.",
    "Each message should pass a simple test: would {audience} repeat it to a friend?",
    "Seasonal moments and product news give the plan natural high points.",
    "Questions from sales and support calls shape what we publish next.",
    "One core story runs through every channel, told in the format each channel rewards.",
    "We keep a short list of words that {brand} owns and repeat them on purpose.",
    "Results go into a one-page summary that the whole team can read in minutes.",
    "If a tactic stalls for two review cycles, the next idea on the list replaces it.",
    "The plan respects the budget and the time the team really has.",
    "Good ideas from the front line are welcome, and we note where they came from.",
    "A steady rhythm matters more than volume, so the pace is one the team can keep.",
    "Each piece of content has a job: to teach, to prove or to invite action.",
    "We measure what changes behaviour, not what merely looks busy.",
    "This keeps {brand} focused on the moments that matter most to {audience}.",
    "Partners and suppliers get a short brief so the brand shows up the same way.",
    "Visual cues stay consistent, so people recognise {brand} before they read the name.",
    "Reports use the same definitions each month, so trends are easy to compare.",
    "Before launch, a quick check confirms that links, tracking and offers all work.",
    "Feedback loops are short, so a weak idea costs days rather than months.",
    "The strongest stories come from real customers, told with their permission.",
    "The plan stays flexible enough to respond to news {industry_in} without losing focus.",
    "Budget moves toward the channels where {audience} already spend their time.",
    "We write down what we expect before each test, so results are easy to judge.",
    "The lead offer, {offer}, gives {audience} a clear reason to act now.",
    "At the centre of the story is {product}, shown in real use.",
    "The timeline is {timeline}, with a checkpoint at each stage.",
    "Most activity focuses on {market}, where {brand} has the clearest edge.",
)

_TOPIC = (
    "The work on {topic} starts with a clear view of what {audience} need from {brand}.",
    "Under {topic}, we focus on the few changes that will move the numbers fastest.",
    "We treat {topic} as a set of small, testable steps rather than one big bet.",
    "Success in {topic} is measured against the goal: {goal}.",
    "The team reviews {topic} every two weeks and keeps what earns its place.",
    "For {topic}, the first step is an honest look at what already works.",
    "Each idea in {topic} has an owner, a deadline and a plain measure of success.",
    "Evidence from customers guides {topic} more than internal opinion does.",
    "We keep {topic} close to the brand story, so nothing feels bolted on.",
    "A short checklist keeps {topic} on track when the calendar gets busy.",
    "The biggest risk in {topic} is spreading effort too thin, so we pick three priorities.",
    "Work on {topic} uses the {voice} tone that {audience} already know.",
    "The results of {topic} will shape the budget for the following month.",
    "In practice, the work on {topic} means choosing what to stop as well as what to start.",
    "Early results from {topic} are shared with the wider team within the first month.",
    "Good work on {topic} is specific to {brand} and hard for a rival to copy.",
    "Clear examples make {topic} easy to brief, easy to review and easy to improve.",
    "Every part of {topic} should make the next step obvious for {audience}.",
    "We record decisions on {topic} in one place, so new team members can follow them.",
    "Progress on {topic} is reported in plain numbers, with a short note on what changed.",
    "When the work on {topic} needs outside help, the brief names the goal and the audience first.",
    "The plan for {topic} balances quick wins with work that pays off over a quarter.",
    "Customer feedback is collected at each stage of {topic} and read every week.",
    "We try new ideas for {topic} on a small scale before rolling them out widely.",
    "Where the work on {topic} overlaps with other sections, we reuse assets rather than start again.",
    "A clear owner keeps {topic} moving when other priorities compete for time.",
    "The standard for {topic} is plain: useful to {audience}, true to {brand}.",
    "Each month, the work on {topic} gets a short review of what worked and what to drop.",
)

_BULLETS = (
    "Agree one measurable target for {topic} before work begins",
    "Name an owner for {topic} and a check-in every two weeks",
    "Compare two versions of the main {topic} message with {audience}",
    "Collect three real customer quotes that support {topic}",
    "Drop any {topic} task that does not serve the primary goal",
    "Share a one-page {topic} update with the team each month",
    "Reuse strong {topic} assets across email, social and the website",
    "Log every {topic} result in the shared tracker",
    "Brief partners on {topic} with the audience and the goal up front",
    "Review {topic} against the baseline after four weeks",
    "Keep {topic} copy in the {voice} tone",
    "Turn the best {topic} insight into a short case study",
    "Set a stop rule for {topic} tests that miss their target twice",
    "Map each {topic} action to a stage of the customer journey",
    "Ask frontline staff what they hear from {audience} about {topic}",
    "Give every {topic} asset one clear next step for {audience}",
    "Plan {topic} work around the seasonal peaks for {brand}",
    "Compare {topic} results with the previous month, not only the target",
    "Write a two-line brief for each {topic} task before it starts",
    "Retire {topic} assets that have not been used in a quarter",
)

# Bullets that need no topic: for the text before the first sub-heading and brief-field sub-headings.
_GENERAL_BULLETS = (
    "Confirm the brief details with the client team in the first week",
    "Keep one shared document with the brand facts, tone and key claims",
    "Use real customer words from reviews in headlines and captions",
    "Agree the three numbers that will show progress toward the goal",
    "Review the plan with the client every two weeks",
    "Flag any claim that needs proof before it goes live",
    "Check every new asset against the {voice} tone",
    "Note what rivals {industry_in} do well and where they leave gaps",
    "Write every brief with {audience} named in the first line",
    "Keep a running list of questions customers ask before they buy",
    "Set one owner for each action and a date to report back",
    "Save the best-performing assets in a shared library",
)

# Sentences and bullets for a numbered step ("Week 2", "Phase 1", "Month 3").
_STEP_SENTENCES = (
    "By the end of {topic}, every post and page should point {audience} to one next step.",
    "The main output of {topic} is a short note on what to keep and what to change.",
    "Content in {topic} keeps the {voice} tone that {audience} already know.",
    "Budget in {topic} stays modest until the first results are in.",
    "Each task in {topic} has an owner and a due date in the shared tracker.",
    "A quick review at the close of {topic} decides what carries into the next stage.",
    "Replies and comments during {topic} get an answer within one working day.",
    "The team checks the results of {topic} against the baseline set at the start.",
    "Anything that slips in {topic} moves to the next stage rather than being dropped.",
    "Throughout {topic}, {brand} shows up where {audience} already spend their time.",
    "Lessons from {topic} are written down in three lines, not a long report.",
    "The work planned for {topic} fits the time the team really has that week.",
)
_STEP_BULLETS = (
    "Confirm owners and deadlines for {topic} on the first day",
    "Check tracking links before anything goes live in {topic}",
    "Try one new format during {topic} and compare it with the usual posts",
    "Pick the best-performing piece of {topic} work and note why it worked",
    "Share a three-line {topic} summary with the team",
    "Move unfinished {topic} tasks into the next stage's plan",
    "Collect one customer story or review during {topic}",
    "Compare {topic} results with the baseline",
    "Line up creative for the next stage before {topic} ends",
    "Agree the one message {audience} should remember from {topic}",
)

# Sentences for a sub-heading that names a brief field: field -> (when the brief gives it, when not).
_FIELD_SENTENCES = {
    "brand": (
        (
            "The brand at the centre of this plan is {brand}, and every action is written for it.",
            "What {brand} stands for should be clear in the first few seconds of any post or page.",
            "The plan builds on what customers already like about {brand} and fixes what holds it back.",
        ),
        (
            "This plan is written for the client's brand and the customers it already has.",
            "What the brand stands for should be clear in the first few seconds of any post or page.",
            "The plan builds on what customers already like and fixes what holds the brand back.",
        ),
    ),
    "industry": (
        (
            "The client competes {industry_in}, where buyers compare options with care.",
            "Buyers {industry_in} read reviews and ask friends before they commit.",
            "Trends {industry_in} move fast, so the plan leaves room to respond.",
        ),
        (
            "The plan assumes a competitive market where buyers compare options with care.",
            "Buyers in this market read reviews and ask friends before they commit.",
            "Trends move fast, so the plan leaves room to respond.",
        ),
    ),
    "goal": (
        (
            "The primary goal is plain: {goal_full}.",
            "Every section of this report links back to that goal.",
            "Progress is reported monthly against the baseline agreed at the start.",
        ),
        (
            "The primary goal is steady, measurable growth that the team can track month by month.",
            "Every section of this report links back to that goal.",
            "Progress is reported monthly against the baseline agreed at the start.",
        ),
    ),
    "audience": (
        (
            "The core audience is {audience_full}.",
            "They want clear answers, honest proof and an easy way to act.",
            "The plan meets {audience} where they already spend time online.",
        ),
        (
            "The core audience is the client's current and prospective customers.",
            "They want clear answers, honest proof and an easy way to act.",
            "The plan meets them where they already spend time online.",
        ),
    ),
    "voice": (
        (
            "The tone of voice is {voice}, in every channel and format.",
            "Copy stays short and concrete, with one idea per sentence.",
            "The same tone carries from the first ad to the last follow-up email.",
        ),
        (
            "The tone of voice is clear and warm, in every channel and format.",
            "Copy stays short and concrete, with one idea per sentence.",
            "The same tone carries from the first ad to the last follow-up email.",
        ),
    ),
}
# Sub-headings (normalised) that name a brief field.
_FIELD_HEADINGS = {
    "brand": "brand",
    "brand name": "brand",
    "client": "brand",
    "industry": "industry",
    "sector": "industry",
    "market": "industry",
    "category": "industry",
    "goal": "goal",
    "goals": "goal",
    "primary goal": "goal",
    "business goal": "goal",
    "objective": "goal",
    "primary objective": "goal",
    "audience": "audience",
    "target audience": "audience",
    "primary audience": "audience",
    "core audience": "audience",
    "voice": "voice",
    "tone": "voice",
    "tone of voice": "voice",
    "brand voice": "voice",
}

_METRIC_BULLETS = (
    "{metric}: set the baseline in week 1 and review it every two weeks",
    "{metric}: agree a realistic target with the team by the end of the first month",
    "{metric}: report it monthly with a one-line note on what moved it",
    "{metric}: compare it with the same period last year to allow for seasons",
    "{metric}: split it by channel to see where {audience} respond best",
)
_METRICS = (
    "Monthly reach",
    "Engagement rate",
    "Saves and shares",
    "Click-through rate",
    "Conversion rate",
    "Repeat purchase rate",
    "Cost per acquisition",
    "Email list growth",
    "Share of voice",
    "Average order value",
    "Follower growth",
    "Comments and replies",
)

# (category, template): a hashtag bullet goes under the sub-heading that names its category.
_HASHTAG_BULLETS = (
    ("brand", "{brand_tag} on every post and in every bio"),
    ("brand", "{brand_tag}Stories for customer posts that we reshare with credit"),
    ("brand", "{brand_tag}Team for behind-the-scenes posts"),
    ("industry", "{industry_tag} to join the wider conversation {industry_in}"),
    ("industry", "{industry_tag}Tips on educational posts"),
    ("industry", "{industry_tag}Community when answering questions from {audience}"),
    ("campaign", "{campaign_tag} for the current campaign, retired when it ends"),
    ("campaign", "{campaign_tag}Wins for results and customer stories during the campaign"),
    ("campaign", "One new campaign tag per campaign, checked for existing use first"),
    ("usage", "Three to five tags per post, mixing brand, industry and campaign tags"),
    ("usage", "Check each tag's recent posts before use to avoid unwanted company"),
    ("usage", "Review tag reach monthly and drop tags that bring no new followers"),
    ("usage", "Put tags at the end of the caption so the message reads first"),
    ("usage", "Keep a shared list of approved tags for the whole team"),
)

_STEP_FOCUS = (
    ("Foundations", "set up tracking, agree the core message and publish the first pieces"),
    ("Momentum", "build reach with the formats that worked in the first days"),
    ("Proof", "lead with reviews, results and customer stories"),
    ("Conversion", "make the offer clear and the next step easy"),
    ("Review", "keep what worked, drop what did not and plan the next cycle"),
    ("Scale", "put more budget and time behind the ideas that proved themselves"),
)
# A numbered series of sub-headings; the steps of a plan ("Week 2") get their own sentences, the
# others ("Bucket 2") are named after a theme and written about as that theme.
_SERIES_RE = re.compile(r"^(week|phase|step|stage|month|sprint|wave|bucket|pillar)\s+(\d+)$")
_STEP_WORDS = frozenset({"week", "phase", "step", "stage", "month", "sprint", "wave"})
_EXTRA_HEADINGS = (
    "Priorities",
    "Measurement",
    "Risks to Watch",
    "Next Steps",
    "Ownership and Cadence",
    "Quick Wins",
    "Longer-Term Moves",
    "Lessons Learned",
    "Budget Notes",
    "Dependencies",
    "Team and Tools",
    "Review Points",
)
_THEMES = ("Education", "Proof", "Community", "Behind the Scenes", "Offer")
_BUCKET_THEMES = ("Education", "Proof", "Community", "Behind the Scenes", "Offers", "Culture")

# ``Label:`` values: (keywords, brief field or None, template).
_LABEL_VALUES = (
    (("brand", "client"), "brand", "{brand}"),
    (("industry", "sector", "category"), "industry", "{industry}"),
    (("goal", "objective", "objectives"), "goal", "{goal_full}"),
    (("audience", "customer", "customers", "target"), "audience", "{audience_full}"),
    (("voice", "tone"), "voice", "{voice}"),
    (("offer",), "offer", "{offer}"),
    (("product",), "product", "{product}"),
    (("timeline", "horizon"), "timeline", "{timeline}"),
    (("market",), "market", "{market}"),
    (("context", "situation", "background"), None, "{brand} competes {industry_in} for the attention of {audience}."),
    (
        ("strategy", "approach"),
        None,
        "Win attention with useful content, turn it into action with clear proof and keep customers "
        "with timely follow-up.",
    ),
    (
        ("outcome", "outcomes", "result", "results"),
        None,
        "Clear progress on the primary goal within the first 90 days: {goal}.",
    ),
    (("idea", "concept"), None, "{brand} becomes the easiest choice for {audience} at the moment they need it."),
    (("positioning", "position"), None, "For {audience}, {brand} is the option that makes the choice simple."),
    (("value", "proposition", "promise"), None, "{brand} saves {audience} time and doubt, with results they can see."),
)
_LABEL_MISSING = {
    "brand": "Not named in the brief yet",
    "industry": "Not named in the brief yet",
    "goal": "Steady, measurable growth",
    "audience": "Current and prospective customers",
    "voice": "Clear and warm",
}
_LABEL_DEFAULT = "The part of the plan that turns the brief into action for {brand}."


class _Kind(Enum):
    """What a section's table (and some of its bullets) look like, from words in its id and label."""

    CALENDAR = "calendar"
    HASHTAGS = "hashtags"
    STAGES = "stages"
    PHASES = "phases"
    FLOWS = "flows"
    METRICS = "metrics"
    EXPERIMENTS = "experiments"
    GENERAL = "general"


_KIND_WORDS = (
    (_Kind.CALENDAR, ("calendar",)),
    (_Kind.HASHTAGS, ("hashtag",)),
    (_Kind.STAGES, ("funnel", "journey")),
    (_Kind.PHASES, ("roadmap", "timeline", "phases")),
    (_Kind.FLOWS, ("flow", "sequence", "email", "sms")),
    (_Kind.METRICS, ("kpi", "measurement", "metric")),
    (_Kind.EXPERIMENTS, ("optimization", "optimisation", "experiment", "opportunit")),
)
_TABLE_COLUMNS = {
    _Kind.STAGES: ("Stage", "Goal", "Key Touchpoint", "Measure"),
    _Kind.PHASES: ("Workstream", "Timing", "Focus", "Milestone"),
    _Kind.FLOWS: ("Flow", "Trigger", "Messages", "Goal"),
    _Kind.METRICS: ("Area", "Metric", "Review Cadence", "Owner"),
    _Kind.EXPERIMENTS: ("Idea", "Hypothesis", "Success Metric", "Effort"),
    _Kind.GENERAL: ("Focus Area", "Action", "Owner", "Measure of Success"),
}
_DEFAULT_ROWS = {
    _Kind.STAGES: ("Awareness", "Consideration", "Conversion", "Retention", "Advocacy"),
    _Kind.PHASES: ("Phase 1", "Phase 2", "Phase 3"),
    _Kind.FLOWS: ("Welcome Series", "Nurture Flow", "Win-Back Flow"),
    _Kind.METRICS: ("Reach", "Engagement", "Conversion", "Retention"),
    _Kind.EXPERIMENTS: ("Quick Wins", "High-Impact Experiments", "Longer-Term Bets"),
    _Kind.GENERAL: ("First Priority", "Second Priority", "Third Priority"),
    _Kind.HASHTAGS: ("Brand Tags", "Industry Tags", "Campaign Tags"),
    _Kind.CALENDAR: ("Week 1", "Week 2", "Week 3", "Week 4"),
}
_CELLS = {
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
    "Metric": _METRICS,
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
_ROW_CELLS = (
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
_PLATFORMS = ("Instagram", "TikTok", "LinkedIn", "Facebook", "Email", "YouTube Shorts", "Pinterest")
_POST_IDEAS = {
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
_POST_IDEAS["offer"] = _POST_IDEAS["promo"]
_POST_IDEAS["offers"] = _POST_IDEAS["promo"]
_THEME_IDEAS = (
    "{theme} post for {audience}",
    "{theme} story told by a customer",
    "{theme} carousel with three key points",
    "{theme} video under 30 seconds",
    "{theme} update from the team",
    "{theme} tip to save for later",
)

# Brief values that are placeholders, not content.
_PLACEHOLDER_RE = re.compile(
    r"(?i)^(?:none|null|nil|n/?a|tbd|tbc|todo|unknown|placeholder|brand|client|x+|-+|\?+|\.+)$|lorem|ipsum|\binsert\b"
)
# Characters that are Markdown or MDX syntax in running text.
_MARKUP_RE = re.compile(r"[<>{}\[\]|*_`\\#~]")
# Forbidden phrases that stand for the brand, replaced by its name in ``fix`` mode.
_BRAND_STAND_IN_RE = re.compile(
    r"(?i)^(?:(?:your|our|the|my)\s+(?:business|company|brand|client)|insert\s+brand\s+name|brand\s+name|\[brand\])$"
)
_LIST_MARKER_RE = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+)")
_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_DELIMITER_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_WORD_CHAR_RE = re.compile(r"[^\W_]")
_CALENDAR_DAYS = 30
_MAX_SENTENCES_PER_PARAGRAPH = 3


# --------------------------------------------------------------------------------------------------
# The generator.


class TemplateGenerator:
    """Writes section bodies from templates; never fails, never calls out."""

    name = "template"

    async def generate(self, request: GenerationRequest) -> Generation:
        return Generation(write_section(request))


@register_generator("template")
def _create(settings: GeneratorSettings) -> TemplateGenerator:
    return TemplateGenerator()


def write_section(request: GenerationRequest) -> str:
    """The body the template generator writes for ``request`` (a pure function of the request)."""
    writer = _Writer(request)
    if request.mode is Mode.REGENERATE or not request.current_body.strip():
        return writer.regenerate()
    if request.mode is Mode.EXPAND:
        return writer.expand()
    return writer.fix()


# --------------------------------------------------------------------------------------------------
# The brief, made safe to write.


@dataclass(frozen=True, slots=True)
class _Facts:
    """Brief values ready for templates: cleaned, with wording for what the brief does not say."""

    slots: Mapping[str, str]  # template slot -> text; a slot that is absent skips its template
    known: frozenset[str]  # brief fields that had a usable value


def _lower_first(text: str) -> str:
    """``"Busy parents"`` -> ``"busy parents"``, but ``"SaaS founders"`` and ``"London"``-like single
    proper nouns stay as written when the first word has capitals inside."""
    first, _, rest = text.partition(" ")
    if len(first) > 1 and first[0].isupper() and first[1:].islower() and rest:
        return first[0].lower() + first[1:] + " " + rest
    return text


def _topic(heading: str) -> str:
    """A heading as a noun phrase inside a sentence: ``"Offers & Hooks"`` -> ``"offers and hooks"``."""
    words = re.sub(r"\s*\([^)]*\)", "", heading).replace("&", " and ").replace("+", " and ").split()
    out = []
    for word in words:
        parts = word.strip(":;").split("-")
        parts = [p[0].lower() + p[1:] if len(p) > 1 and p[0].isupper() and p[1:].islower() else p for p in parts]
        out.append("-".join(parts))
    return " ".join(w for w in out if w)


def _group_for(heading: str) -> _Group:
    """A sub-heading's group: its topic in a sentence and which sentences suit it. A named step
    ("Week 1: Foundations") is about its number ("week 1")."""
    head, _, name = heading.partition(":")
    series = _SERIES_RE.match(normalize_heading(head))
    if series and series.group(1) in _STEP_WORDS:
        return _Group(heading, _topic(head), "step")
    if series and name.strip():
        return _Group(heading, _topic(name.strip()).lower(), "topic")
    field_name = _FIELD_HEADINGS.get(normalize_heading(heading))
    return _Group(heading, _topic(heading), f"field:{field_name}" if field_name else "topic")


def _camel(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[^\W_]+", text))


def _build_facts(brief: Brief, allowed: Callable[[str], bool], description: str) -> _Facts:
    def clean(key: str) -> str:
        text = " ".join(_MARKUP_RE.sub(" ", brief.get(key)).split()).strip(" ,;:-–—")
        text = text.rstrip(".")
        if not text or _PLACEHOLDER_RE.search(text) or not allowed(text):
            return ""
        return text

    values = {key: clean(key) for key in ("brand", "industry", "audience", "goal", "voice")}
    values["brand"] = values["brand"] or clean("client")
    extras = {key: clean(key) for key in ("product", "offer", "market", "timeline")}
    known = frozenset(key for key, value in {**values, **extras}.items() if value)

    brand = values["brand"] or "the client"
    audience_full = _lower_first(values["audience"]) if values["audience"] else "current and prospective customers"
    audience = audience_full if count_words(audience_full) <= 8 else "this audience"
    goal_full = values["goal"] or "steady, measurable growth"
    goal_full = goal_full[0].lower() + goal_full[1:] if goal_full[:2].istitle() else goal_full
    goal = goal_full if count_words(goal_full) <= 8 else "the primary goal"
    industry = _lower_first(values["industry"])
    slots: dict[str, str] = {
        "brand": brand,
        "audience": audience,
        "audience_full": audience_full,
        "goal": goal,
        "goal_full": goal_full,
        "industry_in": f"in {industry}" if industry else "in this market",
        "voice": _lower_first(values["voice"]) if values["voice"] else "clear and warm",
    }
    if industry:
        slots["industry"] = values["industry"]
        slots["industry_tag"] = "#" + _camel(industry)
    if values["brand"]:
        slots["brand_tag"] = "#" + _camel(brand)
        slots["campaign_tag"] = "#" + _camel(brand) + "Moments"
    elif industry:
        slots["campaign_tag"] = "#" + _camel(industry) + "Moments"
    slots.update({key: value for key, value in extras.items() if value})
    description = " ".join(_MARKUP_RE.sub(" ", description).split()).rstrip(".")
    if description and allowed(description):
        slots["description"] = description[0].lower() + description[1:] if description[:2].istitle() else description
    return _Facts(slots, known)


class _Slots(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def _fill(template: str, slots: Mapping[str, str]) -> str | None:
    try:
        return template.format_map(_Slots(slots))
    except KeyError:
        return None


# --------------------------------------------------------------------------------------------------
# A section body under construction: groups of (sub-heading, labels, paragraphs, bullets, table).


@dataclass(slots=True)
class _Group:
    heading: str | None  # None: the text before the first sub-heading
    topic: str
    flavour: str  # "intro", "step" (Week 2), "field:<brief field>" (Primary Goal) or "topic"
    labels: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # header row first

    def blocks(self, sub_heading: str) -> list[str]:
        out: list[str] = []
        if self.heading is not None:
            out.append(f"{sub_heading} {self.heading}")
        out.extend(self.labels)
        paragraphs = [" ".join(p) for p in self.paragraphs if p]
        if paragraphs:
            out.append(paragraphs[0])
        if self.table:
            out.append(_render_table(self.table))
        if self.bullets:
            out.append("\n".join(f"- {item}" for item in self.bullets))
        out.extend(paragraphs[1:])
        return out


def _render_table(rows: Sequence[Sequence[str]]) -> str:
    header, *body = rows
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in body)
    return "\n".join(lines)


def _kind_of(section: SectionBenchmark) -> _Kind:
    words = f"{section.id} {section.label}".lower()
    for kind, markers in _KIND_WORDS:
        if any(marker in words for marker in markers):
            return kind
    return _Kind.GENERAL


def _seed(request: GenerationRequest) -> int:
    payload = json.dumps(
        [
            request.pack.key,
            request.section.id,
            request.section.fingerprint,
            sorted(request.brief.fields.items()),
            request.mode.value,
            request.attempt,
        ],
        ensure_ascii=False,
    )
    return int.from_bytes(hashlib.blake2b(payload.encode(), digest_size=8).digest(), "big")


def _has_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


class _Writer:
    """One request's worth of writing: the seeded choices, what is used, the running word count."""

    def __init__(self, request: GenerationRequest) -> None:
        self.request = request
        self.section = request.section
        self.kind = _kind_of(request.section)
        self.rng = random.Random(_seed(request))
        self._forbidden = [phrase_pattern(p, whole_words=True) for p in self.section.forbidden_substrings]
        self._forbidden += [re.compile(p) for p in self.section.forbidden_regex]
        self.facts = _build_facts(request.brief, self.allowed, self.section.description)
        self.label_topic = _topic(self.section.label)
        self._slots = {**self.facts.slots, "label": self.label_topic}
        self.used_keys: set[str] = set()
        self._orders: dict[str, list[int]] = {}
        self._cursors: dict[str, int] = {}
        self.words = 0

    # ---- choosing text -------------------------------------------------------------------------

    def allowed(self, text: str) -> bool:
        """Whether ``text`` is free of the section's forbidden phrases and patterns."""
        return not any(pattern.search(text) for pattern in self._forbidden)

    def fresh(self, text: str) -> bool:
        key = line_key(text)
        return bool(key) and key not in self.used_keys and self.allowed(text)

    def _draw(
        self, pool: str, templates: Sequence[str], slots: Mapping[str, str], passes: int = 1, shuffle: bool = True
    ) -> str | None:
        """The next template of ``pool`` (in this request's shuffled order) that fills and is fresh."""
        order = self._orders.get(pool)
        if order is None:
            order = list(range(len(templates)))
            if shuffle:
                self.rng.shuffle(order)
            self._orders[pool] = order
        limit = len(order) * passes
        while self._cursors.get(pool, 0) < limit:
            position = self._cursors.get(pool, 0)
            self._cursors[pool] = position + 1
            text = _fill(templates[order[position % len(order)]], slots)
            if text is None:
                continue
            key = line_key(text)
            if key and key not in self.used_keys and self.allowed(text):
                self.used_keys.add(key)
                return text
        return None

    def slots(self, topic: str | None = None, **more: str) -> dict[str, str]:
        slots = dict(self._slots)
        if topic:
            slots["topic"] = topic
        slots.update(more)
        return slots

    def sentence(self, topic: str, flavour: str = "topic") -> str | None:
        """A new sentence for a group of this ``flavour`` about ``topic``. Topic and step templates may
        come round again under another topic once their pool is used up (the line still differs)."""
        text = None
        if flavour.startswith("field:"):
            known, missing = _FIELD_SENTENCES[flavour[6:]]
            pool = known if flavour[6:] in self.facts.known else missing
            text = self._draw(flavour, pool, self.slots(topic), shuffle=False)
        elif flavour == "step":
            text = self._draw("step", _STEP_SENTENCES, self.slots(topic), passes=4)
        elif flavour == "topic":
            text = self._draw("topic", _TOPIC, self.slots(topic), passes=4)
        if text is None:
            text = self._draw("general", _GENERAL, self.slots())
        if text is None:
            text = self._draw("topic", _TOPIC, self.slots(topic if flavour == "topic" else self.label_topic), passes=6)
        return text

    def opening(self, group: _Group) -> str | None:
        """The first sentence under a sub-heading: what a numbered step focuses on, the brief field a
        sub-heading names (after its label line, the field's second sentence), or a topic sentence."""
        if group.flavour == "step":
            found = _SERIES_RE.match(normalize_heading(group.topic))
            if found:
                focus, what = _STEP_FOCUS[(int(found.group(2)) - 1) % len(_STEP_FOCUS)]
                text = f"In {group.topic}, the focus is {focus.lower()}: {what}."
                if self.fresh(text):
                    self.used_keys.add(line_key(text))
                    return text
        elif group.flavour.startswith("field:") and group.labels:
            self._cursors[group.flavour] = max(self._cursors.get(group.flavour, 0), 1)
        return self.sentence(group.topic, group.flavour)

    def bullet(self, topic: str, flavour: str = "topic") -> str | None:
        if self.kind is _Kind.HASHTAGS:
            words = set(topic.lower().replace("-", " ").split())
            wanted = [t for c, t in _HASHTAG_BULLETS if c in words or (c == "usage" and "guidelines" in words)]
            for pool, templates in (("hashtags:" + topic, wanted), ("hashtags", [t for _, t in _HASHTAG_BULLETS])):
                text = self._draw(pool, templates, self.slots(topic))
                if text is not None:
                    return text
        if self.kind is _Kind.METRICS:
            metric = self._draw("metric-names", _METRICS, {})
            if metric is not None:
                text = self._draw("metrics", _METRIC_BULLETS, self.slots(topic, metric=metric), passes=3)
                if text is not None:
                    return text
        text = None
        if flavour == "step":
            text = self._draw("step-bullets", _STEP_BULLETS, self.slots(topic), passes=4)
        elif flavour == "topic":
            text = self._draw("bullets", _BULLETS, self.slots(topic), passes=6)
        if text is None:
            text = self._draw("general-bullets", _GENERAL_BULLETS, self.slots())
        if text is None:
            text = self._draw("bullets", _BULLETS, self.slots(self.label_topic), passes=6)
        return text

    def count(self, text: str) -> int:
        words = count_words(text)
        self.words += words
        return words

    # ---- planning --------------------------------------------------------------------------------

    def word_target(self, requested: int | None = None) -> int:
        low, high = self.section.min_words, self.section.max_words
        target = requested if requested is not None else (low + high) // 2
        return max(low, min(target, high))

    def bullet_target(self) -> int:
        low, high = self.section.min_bullets, self.section.max_bullets
        top = high if high is not None else low + 8
        target = round(low + (top - low) * 0.3)
        if self.section.format is SectionFormat.LIST:
            target = max(target, 3)
        return max(low, min(target, top))

    def table_columns(self) -> tuple[str, ...]:
        if self.kind is _Kind.CALENDAR:
            return ("Day", "Week", "Platform", "Theme", "Post Idea")
        return _TABLE_COLUMNS.get(self.kind, _TABLE_COLUMNS[_Kind.GENERAL])

    def plan_headings(
        self, present: Sequence[str], existing: int, covered_by_table: Sequence[str] = ()
    ) -> tuple[list[str], list[str]]:
        """The sub-headings to add and the required headings that must be bold labels instead
        (``max_headings`` leaves no room), given normalised headings and labels already ``present``."""
        section = self.section
        missing = [
            heading
            for heading in section.required_headings
            if not any(_has_words(p, normalize_heading(heading)) for p in [*present, *covered_by_table])
        ]
        # A required heading that names one of a series the label promises ("Bucket" in "Content
        # Buckets") is written as the first of that series ("Bucket 1"), which satisfies it.
        label_words = normalize_heading(section.label).split()
        missing = [f"{h} 1" if " " not in h and normalize_heading(h) + "s" in label_words else h for h in missing]
        room = None if section.max_headings is None else max(section.max_headings - existing, 0)
        as_headings = missing if room is None else missing[:room]
        as_labels = missing[len(as_headings) :]
        wanted = max(section.min_headings - existing, len(as_headings))
        if self.kind is _Kind.CALENDAR and existing == 0 and not as_headings:
            wanted = max(wanted, 4)
        if room is not None:
            wanted = min(wanted, room)
        headings = [*as_headings]
        taken = {normalize_heading(h) for h in [*headings, *section.required_headings]} | set(present)
        for extra in self._extra_headings(headings):
            if len(headings) >= wanted:
                break
            key = normalize_heading(extra)
            if key not in taken and self.allowed(extra):
                headings.append(extra)
                taken.add(key)
        return [self._named_step(h) for h in headings], as_labels

    def _extra_headings(self, headings: Sequence[str]) -> Iterable[str]:
        """More sub-headings: the next steps of a numbered series ("Phase 3" after "Phase 2"), a
        series the section's label implies ("Bucket 1" in "Content Buckets"), or general ones."""
        series: dict[str, int] = {}
        for heading in [*self.section.required_headings, *headings]:
            found = _SERIES_RE.match(normalize_heading(heading))
            if found:
                series[found.group(1)] = max(series.get(found.group(1), 0), int(found.group(2)))
        label_words = normalize_heading(self.section.label).split()
        for heading in self.section.required_headings:
            word = normalize_heading(heading)
            if " " not in word and (word + "s") in label_words:
                series.setdefault(word, 0)
        if not series and self.kind is _Kind.CALENDAR:
            series["week"] = 0
        for word, last in series.items():
            for number in range(last + 1, last + 7):
                yield f"{word.capitalize()} {number}"
        yield from _EXTRA_HEADINGS

    def _named_step(self, heading: str) -> str:
        """``"Week 1"`` -> ``"Week 1: Foundations"``; ``"Bucket 2"`` -> ``"Bucket 2: Proof"``."""
        found = _SERIES_RE.match(normalize_heading(heading))
        if not found or ":" in heading:
            return heading
        number = int(found.group(2))
        if found.group(1) not in _STEP_WORDS:
            name = _BUCKET_THEMES[(number - 1) % len(_BUCKET_THEMES)]
        else:
            name = _STEP_FOCUS[(number - 1) % len(_STEP_FOCUS)][0]
        named = f"{heading}: {name}"
        return named if self.allowed(named) else heading

    def label_line(self, label: str) -> str:
        """``**Brand:** Glow Botanicals`` for a required ``Brand:`` phrase (or a required heading
        written as a bold label)."""
        name = label.rstrip().rstrip(":").strip()
        words = set(normalize_heading(name).split())
        value = None
        for keywords, brief_field, template in _LABEL_VALUES:
            if not words.intersection(keywords):
                continue
            if brief_field is not None and brief_field not in self.facts.known:
                value = _LABEL_MISSING.get(brief_field)
                if value is None:
                    continue
            else:
                value = _fill(template, self.slots(_topic(name)))
            if value is not None and self.allowed(value):
                break
            value = None
        if value is None:
            value = self.sentence(_topic(name)) or _fill(_LABEL_DEFAULT, self.slots()) or name
        value = value[0].upper() + value[1:] if value[:1].islower() else value
        line = f"**{name}:** {value}"
        self.used_keys.add(line_key(line))
        return line

    # ---- tables --------------------------------------------------------------------------------

    def table(self, row_labels: Sequence[str], budget: int) -> list[list[str]]:
        """A table for this section's kind, within ``budget`` words where it can choose its size."""
        columns = self.table_columns()
        if self.kind is _Kind.CALENDAR:
            return self._calendar(columns, budget)
        labels = [label for label in row_labels if self.allowed(label)]
        for default in _DEFAULT_ROWS.get(self.kind, _DEFAULT_ROWS[_Kind.GENERAL]):
            if len(labels) >= 3:
                break
            if default not in labels and self.allowed(default):
                labels.append(default)
        rows = [list(columns)]
        self.used_keys.add(line_key(" ".join(columns)))
        ordered = self.kind is _Kind.PHASES  # phases run in order, and so do their timings and milestones
        for label in labels:
            name = normalize_heading(label)
            known = next((cells for key, cells in _ROW_CELLS if _has_words(name, key)), {})
            row = [label]
            for column in columns[1:]:
                cell = _fill(known[column], self.slots()) if column in known else None
                if cell is None or not self.fresh(cell):
                    pool = _CELLS.get(column, _CELLS["Action"])
                    cell = self._draw("cell:" + column, pool, self.slots(), passes=3, shuffle=not ordered)
                row.append(cell or "Agreed with the team")
            if not self.fresh(" ".join(row)):
                continue
            self.used_keys.add(line_key(" ".join(row)))
            rows.append(row)
        # A short section cannot afford many rows: keep the header and at least one row.
        while len(rows) > 2 and sum(count_words(" ".join(row)) for row in rows) > budget:
            self.used_keys.discard(line_key(" ".join(rows.pop())))
        return rows

    def _calendar(self, columns: Sequence[str], budget: int) -> list[list[str]]:
        themes = [p for p in self.section.required_substrings if _WORD_CHAR_RE.search(p) and not p.endswith(":")]
        themes = [t for t in themes if count_words(t) <= 3 and normalize_heading(t) not in ("week", "phase", "day")]
        themes += _THEMES
        by_pool: dict[int, str] = {}  # "Promo" and "Offer" share ideas: keep the first of them
        for theme in themes:
            by_pool.setdefault(id(_POST_IDEAS.get(theme.lower(), theme)), theme)
        themes = [t for t in by_pool.values() if self.allowed(t)]
        start = self.rng.randrange(len(_PLATFORMS))
        platforms = [_PLATFORMS[(start + i) % len(_PLATFORMS)] for i in range(3)]
        rows = [list(columns)]
        used = count_words(" ".join(columns))
        for day in range(1, _CALENDAR_DAYS + 1):
            theme = themes[(day - 1) % len(themes)]
            ideas = _POST_IDEAS.get(theme.lower(), _THEME_IDEAS)
            idea = self._draw("idea:" + theme.lower(), ideas, self.slots(theme=theme), passes=4)
            if idea is None:
                continue
            week = min((day - 1) // 7 + 1, 4)  # days 29 and 30 close the fourth week
            row = [f"Day {day}", f"Week {week}", platforms[(day - 1) % len(platforms)], theme, idea]
            words = count_words(" ".join(row))
            if used + words > budget and day > 7:
                break
            used += words
            rows.append(row)
        return rows

    # ---- composing ---------------------------------------------------------------------------------

    def compose(
        self,
        groups: list[_Group],
        *,
        bullets: int,
        target: int,
        table_rows: Sequence[str] | None,
        labels: Sequence[str],
        writer_text: str | None = None,
    ) -> None:
        """Fill ``groups`` (the first is the text before the first new sub-heading, or the text that
        continues ``writer_text``) with labels, first sentences, a table, ``bullets`` bullets, the
        required phrases neither has yet, and sentences until ``target`` words."""
        high = self.section.max_words
        intro = groups[0]
        # Required ``Label:`` phrases first (before the openings, which read the labels), then the
        # required headings that must be labels, unless a required phrase already names them.
        wanted = [
            phrase
            for phrase in self.section.required_substrings
            if phrase.rstrip().endswith(":") and not phrase_pattern(phrase, whole_words=False).search(writer_text or "")
        ]
        named = [normalize_heading(p.rstrip().rstrip(":")) for p in self.section.required_substrings]
        wanted += [h for h in labels if not any(_has_words(n, normalize_heading(h)) for n in named)]
        for label in wanted:
            self.place_label(groups, label)
        for group in groups:
            if group.heading is None and writer_text is None and not group.paragraphs:
                first = _fill(self.rng.choice(_INTRO), self.slots())
                second = _fill(_INTRO_DESCRIPTION, self.slots()) or _fill(self.rng.choice(_INTRO_GOAL), self.slots())
                paragraph = [s for s in (first, second) if s is not None and self.fresh(s)]
                for sentence in paragraph:
                    self.used_keys.add(line_key(sentence))
                    self.count(sentence)
                group.paragraphs.append(paragraph)
            elif group.heading is not None:
                opening = self.opening(group)
                if opening is not None:
                    self.count(opening)
                    group.paragraphs.append([opening])
        if table_rows is not None:
            reserve = sum(1 for _ in groups) * 14 + bullets * 11
            budget = max(target - self.words - reserve, 80)
            # ... but never more than the section's maximum leaves room for.
            budget = max(min(budget, high - self.words - reserve // 2), 10)
            intro.table = self.table(table_rows, budget)
            for row in intro.table:
                self.count(" ".join(row))
        holders = [g for g in groups if g.heading is not None] or [intro]
        for index in range(bullets):
            group = holders[index % len(holders)]
            item = self.bullet(group.topic, group.flavour)
            if item is None:
                break
            group.bullets.append(item)
            self.count(item)
        self.require_phrases(groups, writer_text or "")
        self.fill(groups, target, high)

    def place_label(self, groups: Sequence[_Group], label: str) -> None:
        """A ``**Label:** value`` line under the new sub-heading it names, else before them."""
        key = normalize_heading(label.rstrip().rstrip(":"))
        home = next(
            (g for g in groups if g.heading and _has_words(normalize_heading(g.heading.split(":")[0]), key)),
            groups[0],
        )
        line = self.label_line(label)
        home.labels.append(line)
        self.count(line)

    def require_phrases(self, groups: list[_Group], writer_text: str = "") -> None:
        """Write every required phrase that is not in the text yet (``Label:`` phrases are labels)."""

        def current() -> str:
            return "\n".join([writer_text, *("\n".join(g.blocks("#")) for g in groups)])

        text = current()
        for phrase in self.section.required_substrings:
            if phrase_pattern(phrase, whole_words=False).search(text):
                continue
            if not _WORD_CHAR_RE.search(phrase):
                if not any(g.table for g in groups):
                    groups[0].table = self.table([g.heading for g in groups if g.heading], 80)
                    for row in groups[0].table:
                        self.count(" ".join(row))
            elif phrase.rstrip().endswith(":"):
                self.place_label(groups, phrase)
            else:
                sentence = f"This plan gives {phrase} a clear place in the work for {self.facts.slots['brand']}."
                groups[0].paragraphs.append([sentence])
                self.count(sentence)
            text = current()

    def fill(self, groups: list[_Group], target: int, high: int) -> None:
        """Add sentences, spread over the groups, until the word count reaches ``target``."""
        position = 0
        stalled = 0
        while self.words < target and stalled < len(groups):
            group = groups[position % len(groups)]
            position += 1
            sentence = self.sentence(group.topic, group.flavour)
            if sentence is None:
                stalled += 1
                continue
            words = count_words(sentence)
            if self.words + words > high:
                self.used_keys.discard(line_key(sentence))
                stalled += 1
                continue
            stalled = 0
            if not group.paragraphs or len(group.paragraphs[-1]) >= self._paragraph_size(group):
                group.paragraphs.append([])
            group.paragraphs[-1].append(sentence)
            self.count(sentence)

    def _paragraph_size(self, group: _Group) -> int:
        return 2 + (len(group.paragraphs) + len(group.topic)) % (_MAX_SENTENCES_PER_PARAGRAPH - 1)

    def trim(self, groups: list[_Group], high: int, min_bullets: int | None = None) -> None:
        """Remove added sentences, then added bullets above ``min_bullets`` (the benchmark's minimum
        by default), until the words fit under ``high``."""
        floor = self.section.min_bullets if min_bullets is None else min_bullets
        for group in reversed(groups):
            for paragraph in reversed(group.paragraphs):
                while self.words > high and len(paragraph) > 1:
                    self.words -= count_words(paragraph.pop())
        bullets = sum(len(g.bullets) for g in groups)
        for group in reversed(groups):
            while self.words > high and group.bullets and bullets > floor:
                self.words -= count_words(group.bullets.pop())
                bullets -= 1

    # ---- the three modes ---------------------------------------------------------------------------

    def regenerate(self) -> str:
        section = self.section
        is_table = section.format is SectionFormat.TABLE
        covered = [normalize_heading(c) for c in self.table_columns()] if is_table else []
        headings, as_labels = self.plan_headings([], 0, covered)
        groups = [_Group(None, _topic(section.label), "intro"), *map(_group_for, headings)]
        rows = [h.split(":")[0] for h in headings] if is_table else None
        self.compose(groups, bullets=self.bullet_target(), target=self.word_target(), table_rows=rows, labels=as_labels)
        self.trim(groups, section.max_words)
        return self.render(groups)

    def render(self, groups: Sequence[_Group]) -> str:
        blocks = [block for group in groups for block in group.blocks(self.request.sub_heading)]
        return "\n\n".join(block for block in blocks if block.strip()) + "\n"

    def _take_stock(self, body: str) -> tuple[Section, list[str]]:
        """The writer's text measured, its lines marked as used, and what counts as present headings."""
        request = self.request
        measured = standalone_section(request.section, body, level=request.heading_level, mdx=request.mdx)
        for placed in measured.blocks(("paragraph", "row")):
            for line in placed.block.content.split("\n"):
                if line_key(line):
                    self.used_keys.add(line_key(line))
        present = [normalize_heading(h.text) for _, h in measured.sub_headings()]
        present += [normalize_heading(label) for label in measured.bold_labels()]
        present += [normalize_heading(cell) for _, table in measured.tables() for cell in table.header_cells]
        self.words = measured.metrics.words
        return measured, present

    def expand(self) -> str:
        """The writer's text unchanged, then new paragraphs, bullets and sub-headings to the target."""
        section = self.section
        current = self.request.current_body.rstrip()
        measured, present = self._take_stock(current)
        metrics = measured.metrics
        needs_table = section.format is SectionFormat.TABLE and metrics.tables == 0
        covered = [normalize_heading(c) for c in self.table_columns()] if needs_table else []
        headings, as_labels = self.plan_headings(present, metrics.headings, covered)
        carry = _Group(None, _topic(section.label), "intro")
        groups = [carry, *map(_group_for, headings)]
        text = measured.source
        bullets = max(self.bullet_target() - metrics.bullets, 0)
        if section.max_bullets is not None:
            bullets = min(bullets, max(section.max_bullets - metrics.bullets, 0))
        if section.format is SectionFormat.LIST and metrics.lists == 0:
            bullets = max(bullets, 1)
        target = self.word_target(self.request.target_words)
        rows = ([h.split(":")[0] for h in headings] or [self.label_topic.capitalize()]) if needs_table else None
        self.compose(groups, bullets=bullets, target=target, table_rows=rows, labels=as_labels, writer_text=text)
        # The writer's bullets count toward the minimum: only added ones beyond it may go.
        self.trim(groups, section.max_words, min_bullets=max(section.min_bullets - metrics.bullets, 0))
        added = self.render(groups).strip()
        return f"{current}\n\n{added}\n" if added else current + "\n"

    def fix(self) -> str:
        """The writer's text with only what the failures name changed: offending lines rewritten in
        place, missing pieces appended after the text."""
        failures = self.request.failures
        rules = {failure.rule for failure in failures}
        if "empty_section" in rules:
            return self.regenerate()
        lines = self.request.current_body.rstrip().split("\n")
        self._take_stock("\n".join(lines))
        for failure in failures:
            if failure.rule in ("forbidden_substrings", "forbidden_regex"):
                self._fix_forbidden(lines, failure)
        if "max_repeated_line_ratio" in rules:
            self._fix_repeats(lines)
        if "max_avg_sentence_length" in rules:
            self._fix_long_sentences(lines)
        if "max_words" in rules:
            self._fix_too_long(lines)
        return self._fix_missing("\n".join(lines), failures)

    # ---- fix: edits in place -------------------------------------------------------------------------

    def _group_at(self, lines: Sequence[str], index: int) -> _Group:
        """The group (sub-heading) line ``index`` of the writer's text belongs to."""
        for line in reversed(lines[:index]):
            found = _HEADING_RE.match(line)
            if found:
                return _group_for(found.group(2))
        return _Group(None, self.label_topic, "intro")

    def _fix_forbidden(self, lines: list[str], failure: Failure) -> None:
        if failure.rule == "forbidden_substrings":
            phrase = str(failure.data.get("phrase", ""))
            pattern = phrase_pattern(phrase, whole_words=True) if phrase else None
            stand_in = bool(_BRAND_STAND_IN_RE.match(phrase.strip()))
        else:
            raw = str(failure.data.get("pattern", ""))
            try:
                pattern = re.compile(raw) if raw else None
            except re.error:
                pattern = None
            stand_in = False
        if pattern is None:
            return
        brand = self.facts.slots["brand"] if "brand" in self.facts.known else None
        for index in range(len(lines)):
            for _ in range(8):  # each pass removes one occurrence; a line rarely holds more
                found = pattern.search(lines[index])
                if found is None:
                    break
                lines[index] = self._rewrite(lines, index, lines[index], found, brand if stand_in else None)

    def _rewrite(self, lines: Sequence[str], index: int, line: str, found: re.Match[str], brand: str | None) -> str:
        """``line`` without the forbidden text ``found``: the brand's name for a stand-in such as
        "your business", else a new sentence, bullet, cell or heading in place of the one holding it."""
        if brand is not None:
            return line[: found.start()] + brand + line[found.end() :]
        group = self._group_at(lines, index)
        heading = _HEADING_RE.match(line)
        if heading:
            title = heading.group(2)
            start = line.index(title)
            title = " ".join((line[start : found.start()] + line[found.end() : start + len(title)]).split())
            title = title.strip(" :-–—&,") or "Key Points"
            return f"{heading.group(1)} {title}"
        if line.lstrip().startswith("|"):
            cells = line.split("|")
            offset = 0
            for number, cell in enumerate(cells):
                if offset <= found.start() < offset + len(cell) + 1:
                    column = "Action" if number > 1 else "Focus"
                    replacement = self._draw("cell:" + column, _CELLS[column], self.slots(), passes=4) or "Agreed"
                    cells[number] = f" {replacement} "
                    break
                offset += len(cell) + 1
            return "|".join(cells)
        marker = _LIST_MARKER_RE.match(line)
        prefix = marker.group(1) if marker else line[: len(line) - len(line.lstrip())]
        rest = line[len(prefix) :]
        label = BOLD_LABEL_RE.match(rest)
        if label and label.end() <= found.start() - len(prefix):
            prefix += rest[: label.end()]
            rest = rest[label.end() :]
        start = found.start() - len(prefix)
        for sentence_start, sentence_end in sentence_bounds(rest):
            if sentence_start <= max(start, 0) < sentence_end or start < 0:
                if marker and len(sentence_bounds(rest)) == 1:
                    new = self.bullet(group.topic, group.flavour)
                else:
                    new = self.sentence(group.topic, group.flavour)
                if new is None:
                    new = ""
                return (prefix + rest[:sentence_start] + new + rest[sentence_end:]).rstrip()
        return line[: found.start()] + line[found.end() :]

    def _fix_repeats(self, lines: list[str]) -> None:
        seen: set[str] = set()
        for index, line in enumerate(lines):
            stripped = line.strip()
            if not stripped or _HEADING_RE.match(line) or _TABLE_DELIMITER_RE.match(line):
                continue
            marker = _LIST_MARKER_RE.match(line)
            key = line_key(line[len(marker.group(1)) :] if marker else line)
            if not key:
                continue
            if key not in seen:
                seen.add(key)
                continue
            group = self._group_at(lines, index)
            if stripped.startswith("|"):
                cells = line.split("|")
                if len(cells) > 3:
                    cells[2] = f" {self._draw('cell:Action', _CELLS['Action'], self.slots(), passes=4) or 'Agreed'} "
                new_line = "|".join(cells)
            elif marker:
                new_line = marker.group(1) + (self.bullet(group.topic, group.flavour) or "")
            else:
                indent = line[: len(line) - len(line.lstrip())]
                new_line = indent + (self.sentence(group.topic, group.flavour) or "")
            lines[index] = new_line
            seen.add(line_key(new_line))

    def _fix_long_sentences(self, lines: list[str]) -> None:
        limit = self.section.max_avg_sentence_length
        if limit is None:
            return
        for index, line in enumerate(lines):
            if _HEADING_RE.match(line) or line.lstrip().startswith("|"):
                continue
            lines[index] = _split_long_sentences(line, int(limit))

    def _fix_too_long(self, lines: list[str]) -> None:
        """Drop the last sentences of multi-sentence paragraphs, from the end, down to the middle of
        the range (the writer asked for it by naming ``max_words``)."""
        target = self.word_target()
        for index in range(len(lines) - 1, -1, -1):
            line = lines[index]
            if self.words <= target:
                return
            if _HEADING_RE.match(line) or line.lstrip().startswith("|") or _LIST_MARKER_RE.match(line):
                continue
            bounds = sentence_bounds(line)
            while len(bounds) > 1 and self.words > target:
                start, end = bounds.pop()
                self.words -= count_words(line[start:end])
                line = line[:start].rstrip()
            lines[index] = line

    # ---- fix: additions after the text --------------------------------------------------------------

    def _fix_missing(self, body: str, failures: Sequence[Failure]) -> str:
        """``body`` and, after it, what the failures say is missing: required sub-headings (bold labels
        when ``max_headings`` leaves no room), required phrases, a table or list, sub-headings, bullets
        and words."""
        section = self.section
        rules = {failure.rule for failure in failures}
        measured, present = self._take_stock(body)
        metrics = measured.metrics
        wanted = {str(f.data.get("heading", "")) for f in failures if f.rule == "required_headings"}
        needs_table = "format" in rules and section.format is SectionFormat.TABLE and metrics.tables == 0
        headings: list[str] = []
        as_labels: list[str] = []
        if wanted or "min_headings" in rules:
            covered = [normalize_heading(c) for c in self.table_columns()] if needs_table else []
            headings, as_labels = self.plan_headings(present, metrics.headings, covered)
            if "min_headings" not in rules:  # only the required ones the failures name
                headings = [
                    h for h in headings if any(_has_words(normalize_heading(h), normalize_heading(w)) for w in wanted)
                ]
        carry = _Group(None, self.label_topic, "intro")
        groups = [carry, *map(_group_for, headings)]
        bullets = 0
        if "min_bullets" in rules:
            bullets = max(section.min_bullets - metrics.bullets, 0) + 1
        if "format" in rules and section.format is SectionFormat.LIST and metrics.lists == 0:
            bullets = max(bullets, 3)
        if section.max_bullets is not None:
            bullets = min(bullets, max(section.max_bullets - metrics.bullets, 0))
        rows = None
        if needs_table:
            rows = [h.split(":")[0] for h in headings] or [
                found.group(2) for found in map(_HEADING_RE.match, body.split("\n")) if found
            ]
        low, high = section.min_words, section.max_words
        target = self.words
        if "min_words" in rules:
            target = max(target, self.word_target(low + (high - low) // 4))
        self.compose(
            groups, bullets=bullets, target=target, table_rows=rows, labels=as_labels, writer_text=measured.source
        )
        added = self.render(groups).strip()
        return f"{body.rstrip()}\n\n{added}\n" if added else body.rstrip() + "\n"


_SPLIT_POINTS = ("; ", ", and ", ", but ", ", so ", ", while ", ", which ", ", ")


def _split_long_sentences(line: str, limit: int) -> str:
    """``line`` with each sentence longer than ``limit`` words split in two at the clause break
    nearest its middle (``", and "`` -> ``". And"``)."""
    marker = _LIST_MARKER_RE.match(line)
    prefix = marker.group(1) if marker else ""
    rest = line[len(prefix) :]
    pieces: list[str] = []
    last = 0
    for start, end in sentence_bounds(rest):
        sentence = rest[start:end]
        pieces.append(rest[last:start])
        if count_words(sentence) > limit:
            middle = len(sentence) // 2
            best = None
            for point in _SPLIT_POINTS:
                for found in re.finditer(re.escape(point), sentence):
                    if best is None or abs(found.start() - middle) < abs(best[0] - middle):
                        best = (found.start(), point)
            if best is not None:
                at, point = best
                tail = sentence[at + len(point) :].lstrip()
                tail = tail[:1].upper() + tail[1:]
                head = sentence[:at].rstrip(",;")
                sentence = f"{head}. {tail}"
        pieces.append(sentence)
        last = end
    pieces.append(rest[last:])
    return prefix + "".join(pieces)
