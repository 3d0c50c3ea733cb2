# bilan's report labels, in English: the reference catalogue. Every message here has its
# translation in each other catalogue (`fr.ftl`); the catalogue tests hold them in step.
# Keyed labels (stage-*, phase-*, driver-*, class-*, category-*) are their ids in English.

## Indicators (as `Indicator::name` words them)

indicator-gwp = climate change (GWP100)
indicator-water = water consumption
indicator-adpe = abiotic depletion, minerals and metals (ADPe)
indicator-adpf = abiotic depletion, fossil resources (ADPf)
indicator-energy = final electricity

## Life-cycle stages

stage-manufacturing = manufacturing
stage-transport = transport
stage-use = use
stage-infrastructure = infrastructure
stage-end-of-life = end-of-life

## Phases of an AI system's life

phase-training = training
phase-fine-tuning = fine-tuning
phase-development = development
phase-inference = inference

## Stages a quality profile requires

required-training = training
required-development = development
required-inference = inference
required-hardware-manufacturing = hardware-manufacturing
required-data-centre-building = data-centre-building

## Divergence drivers

driver-indicator-coverage = indicator-coverage
driver-time-frame = time-frame
driver-capital-goods = capital-goods
driver-utilisation-divisor = utilisation-divisor
driver-electricity-basis = electricity-basis
driver-electricity-boundary = electricity-boundary
driver-temporal-resolution = temporal-resolution
driver-market-matching = market-matching
driver-facility-overhead = facility-overhead
driver-idle-overhead = idle-overhead
driver-host-embodied = host-embodied
driver-building = building
driver-transport = transport
driver-end-of-life = end-of-life
driver-other-items = other-items
driver-factor-choice = factor-choice
driver-auditor-rule = auditor-rule

## Classes of input data

class-measured = measured
class-disclosed = disclosed
class-estimated = estimated
class-default = default

## Reporting categories of the standards bilan knows

category-scope-1 = scope-1
category-scope-2-location = scope-2-location
category-scope-2-market = scope-2-market
category-scope-3 = scope-3
category-scope-3-cat-1 = scope-3-cat-1
category-scope-3-cat-2 = scope-3-cat-2
category-scope-3-cat-3 = scope-3-cat-3
category-scope-3-cat-4 = scope-3-cat-4
category-scope-3-cat-5 = scope-3-cat-5
category-scope-3-cat-12 = scope-3-cat-12
category-provider = provider
category-consumer = consumer

## The comparison

compare-title = Comparison — { $system }
reporting-period = reporting period: { $period }
period = { $start } to { $end }
# Shown only in a language other than the methods' own (English for those bilan ships).
method-texts = The methods' own texts and bilan's detailed explanations (method names, rules, assumptions, warnings, reasons, notes) are quoted in English.
col-method = method
col-version = version
col-name = name
col-status = status
status-ok = ok
status-error = ERROR: { $error }
status-error-short = error
col-total = total
col-grade = grade
col-stage = stage
col-amount = amount
col-phase = phase
col-functional-unit = functional unit
col-category = category
col-driver = driver
col-rule = rule
not-covered = not covered
not-computed = not computed
quality-of-total = method (data quality of the total)
by-phase = method (by phase)
per-functional-unit = method (per functional unit)
memo-not-in-total = memo, not in total
divergence-pairs = divergence (B − A)
col-a = A
col-b = B
b-minus-a = B − A
residual = residual
divergence-from = divergence from { $baseline }
minus-baseline = − baseline
baseline-failed = divergence from { $baseline }: none, the baseline failed (see its error above; --baseline names another)
quality-rule = grade A–E from the shares of each figure's value by its weakest input (measured > disclosed > estimated > default), one grade lower per missing mandatory stage: docs/quality.md
data-quality = data quality: { $rule }
missing-stages = { $method }: mandatory stages not covered: { $stages }
not-covered-by-any = not covered by any selected method: { $indicators }
not-computed-by = { $indicator } (not computed by { $methods }: every contribution excluded)
not-given-by-any-item = { $indicator } (not computed by { $methods }: no item of the inventory gives it)
not-given-or-computed-by = { $indicator } (not computed by { $nothing }: no item of the inventory gives it; by { $excluded }: every contribution excluded)
warnings = Warnings
assumptions = Defaults and assumptions
items-count = { $count ->
    [one] { $n } item
   *[other] { $n } items
}
drivers = Drivers
reconciliation = Reconciliation
col-items = items
col-included = included
col-excluded = excluded
col-unaccounted = unaccounted
label-value = { $label }: { $value }
# Between the items of a list written on one line (quoted: a value's own spaces are kept).
list-separator = {"; "}
reproducibility = Reproducibility

## The reproducibility stamp

stamp-bilan = bilan { $version }
stamp-inventory = inventory { $path } sha256 { $sha256 }
stamp-factor-database = factor database { $version }
stamp-factor-file = factor file { $path } sha256 { $sha256 }
stamp-data-file = data file { $path } sha256 { $sha256 }
stamp-method = method { $id } { $version } ({ $origin })
stamp-setting = setting { $name } = { $value } (from { $from })
origin-builtin = built in
origin-file = file { $path } sha256 { $sha256 }
origin-plugin = plugin { $plugin } at { $path } sha256 { $sha256 }

## Estimated values

estimated-values = Estimated values
estimated-intro = Not given or measured in the inventory but estimated; the terms they feed are marked "estimated by" in the trail.
estimated-line = { $path } = { $value }{ $spread } by { $estimator }: { $formula }
estimated-spread = (spread: { $spread })
estimated-by = estimated by { $estimator }
estimated-by-title = not given or measured: estimated by { $estimator }
estimated-intro-html = Not given or measured in the inventory but estimated; the terms they feed are tagged { $tag } in the audit trail.
estimated-tag = estimated by
col-workload = workload
col-key = key
col-value = value
col-estimator = estimator
col-spread = spread
col-formula = formula

## The HTML page

html-title = bilan comparison — { $system }
caption-methods = methods
chart-label = { $indicator } by method and stage
not-covered-by = not covered by: { $methods }
not-computed-by-methods = not computed by: { $methods }
divergence-by-driver = Divergence by driver
divergence-caption = { $a } → { $b }: B − A = { $difference }
col-share-of-difference = share of |B − A|
col-a-rule = A's rule
col-b-rule = B's rule
audit-trail = Audit trail
quality-caption = data quality of the total
stage-contributions = { $figure } = { $amount } ({ $count ->
    [one] { $n } contribution
   *[other] { $n } contributions
})
col-item = item
col-aspect = aspect
col-formula-and-terms = formula and terms
col-factor = factor
more-contributions = … { $count } more contributions: see the JSON report or `bilan explain`
exclusions-count = exclusions ({ $count })
assumptions-list = assumptions
assumption-items = { $text } ({ $count ->
    [one] { $n } item
   *[other] { $n } items
})
source-item = item key `{ $key }`
source-inventory = inventory `{ $path }`
source-factor = factor `{ $id }`
source-parameter = parameter `{ $name }`
source-rule = rule: { $rule }
source-derived = derived: { $formula }

## Uncertainty

u-title = Uncertainty
u-propagation = propagation: { $how }
u-monte-carlo = Monte Carlo
u-iterations = { $count } iterations
u-seed = seed { $seed }
u-common-numbers = common random numbers across methods
u-analytic = analytic: first-order, lognormal approximation (a normal where a figure is not positive)
u-measure-first-order = first-order variance shares
u-measure-src2 = squared standardised regression coefficients
u-intervals-explained = Intervals are 95 % (2.5th to 97.5th percentile); ± is half the interval's width as a share of the median; the point value is the figure at the nominal inputs.
u-intervals-explained-html = Intervals are 95 % (2.5th to 97.5th percentile), drawn as whiskers on the bars; ± is half the interval's width as a share of the median.
u-headlines = Headlines set by an uncertainty policy
u-headline = { $method } reports { $policy }: { $figure } = { $amount }
u-point-value = (point value { $amount })
u-inputs = Uncertain inputs
u-no-inputs = no input of the figures carries an uncertainty: every interval is a point.
col-input = input
col-source = source
col-nominal = nominal
col-distribution = distribution
col-methods = methods
source-kind-inventory = inventory
source-kind-factor = factor
source-kind-parameter = parameter
source-kind-estimated = estimated
u-assumed-ref = { $distribution } (assumed [{ $n }])
u-more-inputs = … and { $count } more uncertain inputs: see the JSON report (`-f json`).
u-assumed-count = { $n } of { $total } distributions are assumptions: their source gives none.
u-intervals-heading = { $indicator } — { $name }: intervals ({ $unit })
col-figure = figure
col-point-value = point value
col-median = median
col-interval = 95 % interval
col-spread-of-median = ± of median
u-differences = Differences between methods (B − A, common random numbers):
u-spans-zero-driver = spans 0: may explain nothing
u-sensitivity = Sensitivity: the inputs to measure first
u-sensitivity-block = { $method } { $figure } ({ $measure }, { $shown } of { $n } uncertain inputs shown):
col-share-of-variance = share of variance
col-cumulative = cumulative
u-not-propagated = Not propagated
range = { $low } to { $high }
u-same = { $b } and { $a }: the same figure (B − A is 0 in the whole interval)
u-not-significant = { $b } and { $a }: not significantly different (95 % interval of B − A spans 0: { $range })
u-above-share = { $b } is { $share } above { $a } (95 %: { $low } to { $high }), by { $amount } (95 %: { $range })
u-below-share = { $b } is { $share } below { $a } (95 %: { $low } to { $high }), by { $amount } (95 %: { $range })
u-above = { $b } is { $amount } above { $a } (95 %: { $range })
u-below = { $b } is { $amount } below { $a } (95 %: { $range })
u-exact = no uncertain input enters { $figure } under { $method }: it is known exactly, given the nominal structure.
u-one-input = 1 input makes { $share } of the variance of { $figure } under { $method }: measure it first.
u-n-inputs = { $count } inputs make { $share } of the variance of { $figure } under { $method }: measure them first.
u-no-small-set = the { $count } largest of { $of } inputs make { $share } of the variance of { $figure } under { $method }: no small set of inputs dominates; measure these first.
u-whisker = 95 % interval: { $range }; median { $median }
u-inputs-summary = { $count ->
    [one] { $n } uncertain input
   *[other] { $n } uncertain inputs
} ({ $assumed } with an assumed distribution)
u-assumption = (assumption: { $why })
u-more-inputs-html = … { $count } more uncertain inputs: see the JSON report
u-not-propagated-html = Not propagated:
u-histogram-label = distribution of { $figure } under { $method }
u-iterations-in-bin = { $range }: { $count ->
    [one] { $n } iteration
   *[other] { $n } iterations
}
u-percentile-low = 2.5th percentile
u-percentile-high = 97.5th percentile
u-tornado-label = inputs by share of the variance of { $figure } under { $method }
u-share-of-variance = { $key }: { $share } of the variance
u-total-line = { $figure }: median { $median }, 95 %: { $range } ({ $spread })
u-histogram-note = over the iterations; dashed: the 95 % interval, red: the point value
u-sensitivity-html = sensitivity ({ $measure }, { $shown } of { $n } inputs):
u-intervals-summary = intervals of every figure ({ $count })
u-differences-caption = differences between methods (B − A, common random numbers)
col-a-to-b = A → B
col-median-difference = B − A (median)
col-verdict = verdict
u-significant = significant
u-same-figure = the same figure
u-spans-zero = spans 0
u-not-significant-short = not significantly different
u-may-explain-nothing = may explain nothing
u-drivers-caption = divergence drivers: intervals

## The league table of several systems

systems-title = Systems compared — { $count } systems
league-title = bilan league table — { $count } systems
col-system = system
col-inventory-name = inventory's name
col-reporting-period = reporting period
baseline-mark = { $name } (baseline)
col-vs-baseline = vs baseline
col-data = data
status-not-run = not run
baseline = baseline
ratio-beyond-range = beyond the range of 64-bit numbers
quality-of-total-system = system (data quality of the total)
col-unit = unit
col-note = note
missing = missing
output-tokens = { $count } output tokens per request
system-b-minus-baseline = system B (B − baseline)
by-kind-header = by item kind (B − baseline)
phases-header = electricity by phase (baseline → B)
col-split = split
col-volume = volume
col-energy-per-unit = IT energy per unit
col-pue = PUE
col-grid-effective = grid (effective)
phase-none = none
method-failed = { $method } { $status } on { $system }: { $reason }
status-on-system = { $status } on { $system }: { $reason }
no-figure = no figure on any system
differences-rule = differences: each system against the baseline, by driver (LMDI per phase over volume × IT energy per unit × PUE × grid; hardware, building and other items additive) and by item kind, each with its residual: docs/systems.md
chart-by-system = { $indicator } by system
caption-per-unit-matched = per functional unit (matched by kind)
col-grade-of-total = grade of the total
chart-difference-by-driver = difference by driver
difference-from-baseline = Difference from the baseline, by driver
col-system-b = system B
col-b-minus-baseline = B − baseline
divergence-details = { $a } → { $b }: { $amount } by driver, by item kind, by phase
caption-by-kind = by item kind
col-kind = kind
sdriver-volume = volume
sdriver-energy-per-unit = energy-per-unit
sdriver-it-energy = it-energy
sdriver-pue = pue
sdriver-grid = grid
sdriver-hardware = hardware
sdriver-building = building
sdriver-other = other
split-lmdi = lmdi
split-zero-factor = zero-factor
split-one-sided = one-sided
split-residual = residual
kind-site = site
kind-fleet = fleet
kind-workload = workload
kind-building = building
kind-transport = transport
kind-end-of-life = end-of-life
kind-service = service
kind-fuel = fuel
kind-refrigerant = refrigerant
kind-instrument = instrument
kind-offset = offset
unit-kind-training-run = per training run
unit-kind-training-token = per training token
unit-kind-request = per request
unit-kind-output-token = per 1,000 output tokens
unit-kind-token = per 1,000 tokens
unit-kind-flop = per FLOP
