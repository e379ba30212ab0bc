"""The words the template generator writes with.

Sentence and bullet templates (the section's introduction, general sentences, sentences and bullets
about a sub-heading's topic, about a numbered step and about a brief field), the sub-headings it may
add and the numbered series they belong to, and the values written after ``Label:`` phrases. The
templates are ``str.format`` strings whose slots are filled from the brief (:mod:`.facts`); a template
with a slot the brief cannot fill is skipped.
"""

from __future__ import annotations

import re

# Sentences never start with a brief value: the sentence splitter only ends a sentence before a
# capital or a digit, and a brand may start with a lower-case letter or an emoji.

INTRO = (
    "In this section on {label}, we set out how {brand} will reach and keep {audience_full}.",
    "This part of the report covers the {label} for {brand}, written with {audience_full} in mind.",
    "The {label} part of this report shows what {brand} will do for {audience_full}, and in what order.",
)
INTRO_GOAL = (
    "Every step in it is judged against one goal: {goal_full}.",
    "Each choice here serves the primary goal: {goal_full}.",
)

GENERAL_SENTENCES = (
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

TOPIC_SENTENCES = (
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

BULLETS = (
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
GENERAL_BULLETS = (
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
STEP_SENTENCES = (
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
STEP_BULLETS = (
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
FIELD_SENTENCES = {
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
FIELD_HEADINGS = {
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

METRIC_BULLETS = (
    "{metric}: set the baseline in week 1 and review it every two weeks",
    "{metric}: agree a realistic target with the team by the end of the first month",
    "{metric}: report it monthly with a one-line note on what moved it",
    "{metric}: compare it with the same period last year to allow for seasons",
    "{metric}: split it by channel to see where {audience} respond best",
)
METRICS = (
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
HASHTAG_BULLETS = (
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

STEP_FOCUS = (
    ("Foundations", "set up tracking, agree the core message and publish the first pieces"),
    ("Momentum", "build reach with the formats that worked in the first days"),
    ("Proof", "lead with reviews, results and customer stories"),
    ("Conversion", "make the offer clear and the next step easy"),
    ("Review", "keep what worked, drop what did not and plan the next cycle"),
    ("Scale", "put more budget and time behind the ideas that proved themselves"),
)
# A numbered series of sub-headings; the steps of a plan ("Week 2") get their own sentences, the
# others ("Bucket 2") are named after a theme and written about as that theme.
SERIES_RE = re.compile(r"^(week|phase|step|stage|month|sprint|wave|bucket|pillar)\s+(\d+)$")
STEP_WORDS = frozenset({"week", "phase", "step", "stage", "month", "sprint", "wave"})
EXTRA_HEADINGS = (
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
THEMES = ("Education", "Proof", "Community", "Behind the Scenes", "Offer")
BUCKET_THEMES = ("Education", "Proof", "Community", "Behind the Scenes", "Offers", "Culture")

# ``Label:`` values: (keywords, brief field or None, template).
LABEL_VALUES = (
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
LABEL_MISSING = {
    "brand": "Not named in the brief yet",
    "industry": "Not named in the brief yet",
    "goal": "Steady, measurable growth",
    "audience": "Current and prospective customers",
    "voice": "Clear and warm",
}
LABEL_DEFAULT = "The part of the plan that turns the brief into action for {brand}."

MAX_SENTENCES_PER_PARAGRAPH = 3
