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
method-texts = The methods' own texts (names, rules, assumptions, warnings) are shown as the methods wrote them.
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
warnings = Warnings
assumptions = Defaults and assumptions
items-count = { $count } items
drivers = Drivers
reconciliation = Reconciliation
col-items = items
col-included = included
col-excluded = excluded
col-unaccounted = unaccounted
reproducibility = Reproducibility

## The reproducibility stamp

stamp-bilan = bilan { $version }
stamp-inventory = inventory { $path } sha256 { $sha256 }
stamp-factor-database = factor database { $version }
stamp-factor-file = factor file { $path } sha256 { $sha256 }
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
stage-contributions = { $figure } = { $amount } ({ $count } contributions)
col-item = item
col-aspect = aspect
col-formula-and-terms = formula and terms
col-factor = factor
more-contributions = … { $count } more contributions: see the JSON report or `bilan explain`
exclusions-count = exclusions ({ $count })
assumptions-list = assumptions
assumption-items = { $text } ({ $count } items)
source-item = item key `{ $key }`
source-inventory = inventory `{ $path }`
source-factor = factor `{ $id }`
source-parameter = parameter `{ $name }`
source-rule = rule: { $rule }
source-derived = derived: { $formula }
