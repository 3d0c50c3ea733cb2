# Les libellés des rapports de bilan, en français. Le vocabulaire suit celui de l'ADEME et
# du BEGES (Bilan des émissions de gaz à effet de serre) : « émissions de GES »,
# « scope 2 – méthode fondée sur la localisation / sur le marché », « épuisement des
# ressources abiotiques ». Chaque message a son original dans `en.ftl`.

## Indicateurs

indicator-gwp = changement climatique – émissions de GES (PRG à 100 ans)
indicator-water = consommation d’eau
indicator-adpe = épuisement des ressources abiotiques – minéraux et métaux (ADPe)
indicator-adpf = épuisement des ressources abiotiques – ressources fossiles (ADPf)
indicator-energy = électricité finale

## Étapes du cycle de vie

stage-manufacturing = fabrication
stage-transport = transport
stage-use = utilisation
stage-infrastructure = infrastructure
stage-end-of-life = fin de vie

## Phases de la vie d’un système d’IA

phase-training = entraînement
phase-fine-tuning = affinage
phase-development = développement
phase-inference = inférence

## Étapes qu’un profil de qualité exige

required-training = entraînement
required-development = développement
required-inference = inférence
required-hardware-manufacturing = fabrication du matériel
required-data-centre-building = bâtiment du centre de données

## Facteurs d’écart entre méthodes

driver-indicator-coverage = couverture des indicateurs
driver-time-frame = période
driver-capital-goods = immobilisations
driver-utilisation-divisor = diviseur d’utilisation
driver-electricity-basis = électricité : localisation ou marché
driver-electricity-boundary = périmètre de l’électricité
driver-temporal-resolution = résolution temporelle de l’intensité du réseau
driver-market-matching = appariement horaire ou annuel des instruments
driver-facility-overhead = consommation des infrastructures du site (PUE)
driver-idle-overhead = consommation au repos
driver-host-embodied = fabrication des serveurs hôtes
driver-building = bâtiment
driver-transport = transport
driver-end-of-life = fin de vie
driver-other-items = autres postes
driver-factor-choice = choix des facteurs
driver-auditor-rule = règle de l’auditeur

## Classes de données d’entrée

class-measured = mesurée
class-disclosed = publiée
class-estimated = estimée
class-default = par défaut

## Catégories de déclaration des référentiels connus

category-scope-1 = scope 1 – émissions directes
category-scope-2-location = scope 2 – méthode fondée sur la localisation
category-scope-2-market = scope 2 – méthode fondée sur le marché
category-scope-3 = scope 3 – autres émissions indirectes
category-scope-3-cat-1 = scope 3 – cat. 1, achats de biens et services
category-scope-3-cat-2 = scope 3 – cat. 2, immobilisations de biens
category-scope-3-cat-3 = scope 3 – cat. 3, combustibles et énergie (hors scopes 1 et 2)
category-scope-3-cat-4 = scope 3 – cat. 4, transport amont
category-scope-3-cat-5 = scope 3 – cat. 5, déchets
category-scope-3-cat-12 = scope 3 – cat. 12, fin de vie des produits vendus
category-provider = fournisseur
category-consumer = consommateur

## La comparaison

compare-title = Comparaison — { $system }
reporting-period = période de déclaration : { $period }
period = du { $start } au { $end }
method-texts = Les textes propres aux méthodes et les explications détaillées de bilan (noms, règles, hypothèses, avertissements, raisons, remarques) sont cités en anglais.
col-method = méthode
col-version = version
col-name = nom
col-status = état
status-ok = ok
status-error = ERREUR : { $error }
status-error-short = erreur
col-total = total
col-grade = note
col-stage = étape
col-amount = valeur
col-phase = phase
col-functional-unit = unité fonctionnelle
col-category = catégorie
col-driver = facteur d’écart
col-rule = règle
not-covered = non couvert
not-computed = non calculé
quality-of-total = méthode (qualité des données du total)
by-phase = méthode (par phase)
per-functional-unit = méthode (par unité fonctionnelle)
memo-not-in-total = pour mémoire, hors total
divergence-pairs = écart (B − A)
col-a = A
col-b = B
b-minus-a = B − A
residual = résidu
divergence-from = écart à { $baseline }
minus-baseline = − référence
baseline-failed = écart à { $baseline } : aucun, la méthode de référence a échoué (voir son erreur plus haut ; --baseline en désigne une autre)
quality-rule = note de A à E selon les parts de la valeur de chaque résultat par sa donnée la plus faible (mesurée > publiée > estimée > par défaut), une note de moins par étape obligatoire manquante : docs/quality.md
data-quality = qualité des données : { $rule }
missing-stages = { $method } : étapes obligatoires non couvertes : { $stages }
not-covered-by-any = non couvert par les méthodes choisies : { $indicators }
not-computed-by = { $indicator } (non calculé par { $methods } : toutes les contributions exclues)
not-given-by-any-item = { $indicator } (non calculé par { $methods } : aucun élément de l'inventaire ne le fournit)
not-given-or-computed-by = { $indicator } (non calculé par { $nothing } : aucun élément de l'inventaire ne le fournit ; par { $excluded } : toutes les contributions exclues)
warnings = Avertissements
assumptions = Valeurs par défaut et hypothèses
items-count = { $count ->
    [one] { $n } élément
   *[other] { $n } éléments
}
drivers = Facteurs d’écart
reconciliation = Rapprochement
col-items = éléments
col-included = inclus
col-excluded = exclus
col-unaccounted = non rapprochés
label-value = { $label } : { $value }
list-separator = {" ; "}
reproducibility = Reproductibilité

## Le tampon de reproductibilité

stamp-bilan = bilan { $version }
stamp-inventory = inventaire { $path } sha256 { $sha256 }
stamp-factor-database = base de facteurs { $version }
stamp-factor-file = fichier de facteurs { $path } sha256 { $sha256 }
stamp-data-file = fichier de données { $path } sha256 { $sha256 }
stamp-method = méthode { $id } { $version } ({ $origin })
stamp-setting = réglage { $name } = { $value } (de { $from })
origin-builtin = intégrée
origin-file = fichier { $path } sha256 { $sha256 }
origin-plugin = greffon { $plugin } à { $path } sha256 { $sha256 }

## Valeurs estimées

estimated-values = Valeurs estimées
estimated-intro = Ni données ni mesurées dans l’inventaire, mais estimées ; les termes qu’elles alimentent sont marqués « estimé par » dans la piste d’audit.
estimated-line = { $path } = { $value }{ $spread } par { $estimator } : { $formula }
estimated-spread = (dispersion : { $spread })
estimated-by = estimé par { $estimator }
estimated-by-title = ni donné ni mesuré : estimé par { $estimator }
estimated-intro-html = Ni données ni mesurées dans l’inventaire, mais estimées ; les termes qu’elles alimentent portent la marque { $tag } dans la piste d’audit.
estimated-tag = estimé par
col-workload = charge de travail
col-key = clé
col-value = valeur
col-estimator = estimateur
col-spread = dispersion
col-formula = formule

## La page HTML

html-title = comparaison bilan — { $system }
caption-methods = méthodes
chart-label = { $indicator } par méthode et par étape
not-covered-by = non couvert par : { $methods }
not-computed-by-methods = non calculé par : { $methods }
divergence-by-driver = Écarts par facteur
divergence-caption = { $a } → { $b } : B − A = { $difference }
col-share-of-difference = part de |B − A|
col-a-rule = règle de A
col-b-rule = règle de B
audit-trail = Piste d’audit
quality-caption = qualité des données du total
stage-contributions = { $figure } = { $amount } ({ $count ->
    [one] { $n } contribution
   *[other] { $n } contributions
})
col-item = élément
col-aspect = aspect
col-formula-and-terms = formule et termes
col-factor = facteur
more-contributions = … { $count } contributions de plus : voir le rapport JSON ou `bilan explain`
exclusions-count = exclusions ({ $count })
assumptions-list = hypothèses
assumption-items = { $text } ({ $count ->
    [one] { $n } élément
   *[other] { $n } éléments
})
source-item = clé d’élément `{ $key }`
source-inventory = inventaire `{ $path }`
source-factor = facteur `{ $id }`
source-parameter = paramètre `{ $name }`
source-rule = règle : { $rule }
source-derived = dérivé : { $formula }

## Incertitude

u-title = Incertitude
u-propagation = propagation : { $how }
u-monte-carlo = Monte-Carlo
u-iterations = { $count } itérations
u-seed = graine { $seed }
u-common-numbers = mêmes tirages pour toutes les méthodes
u-analytic = analytique : premier ordre, approximation lognormale (normale lorsqu’un résultat n’est pas positif)
u-measure-first-order = parts de variance au premier ordre
u-measure-src2 = coefficients de régression standardisés au carré
u-intervals-explained = Les intervalles sont à 95 % (du 2,5e au 97,5e centile) ; ± est la demi-largeur de l’intervalle rapportée à la médiane ; la valeur ponctuelle est le résultat aux valeurs nominales.
u-intervals-explained-html = Les intervalles sont à 95 % (du 2,5e au 97,5e centile), tracés en moustaches sur les barres ; ± est la demi-largeur de l’intervalle rapportée à la médiane.
u-headlines = Valeurs retenues selon une règle d’incertitude
u-headline = { $method } retient { $policy } : { $figure } = { $amount }
u-point-value = (valeur ponctuelle { $amount })
u-inputs = Données d’entrée incertaines
u-no-inputs = aucune donnée d’entrée ne porte d’incertitude : chaque intervalle est un point.
col-input = donnée d’entrée
col-source = source
col-nominal = valeur nominale
col-distribution = distribution
col-methods = méthodes
source-kind-inventory = inventaire
source-kind-factor = facteur
source-kind-parameter = paramètre
source-kind-estimated = estimée
u-assumed-ref = { $distribution } (supposée [{ $n }])
u-more-inputs = … et { $count } autres données incertaines : voir le rapport JSON (`-f json`).
u-assumed-count = { $count ->
    [one] { $n } des { $total } distributions est supposée : sa source n’en donne pas.
   *[other] { $n } des { $total } distributions sont supposées : leur source n’en donne pas.
}
u-intervals-heading = { $indicator } — { $name } : intervalles ({ $unit })
col-figure = résultat
col-point-value = valeur ponctuelle
col-median = médiane
col-interval = intervalle à 95 %
col-spread-of-median = ± (part de la médiane)
u-differences = Écarts entre méthodes (B − A, mêmes tirages) :
u-spans-zero-driver = contient 0 : peut ne rien expliquer
u-sensitivity = Sensibilité : les données à mesurer en premier
u-sensitivity-block = { $method } { $figure } ({ $measure }, { $shown } sur { $count ->
    [one] { $n } donnée incertaine
   *[other] { $n } données incertaines
}) :
col-share-of-variance = part de la variance
col-cumulative = cumul
u-not-propagated = Non propagé
range = { $low } à { $high }
u-same = { $b } et { $a } : le même résultat (B − A vaut 0 sur tout l’intervalle)
u-not-significant = { $b } et { $a } : pas d’écart significatif (l’intervalle à 95 % de B − A contient 0 : { $range })
u-above-share = { $b } dépasse { $a } de { $share } (95 % : { $low } à { $high }), soit { $amount } (95 % : { $range })
u-below-share = { $b } est inférieur à { $a } de { $share } (95 % : { $low } à { $high }), soit { $amount } (95 % : { $range })
u-above = { $b } dépasse { $a } de { $amount } (95 % : { $range })
u-below = { $b } est inférieur à { $a } de { $amount } (95 % : { $range })
u-exact = aucune donnée incertaine n’entre dans le résultat { $figure } selon { $method } : il est exact, à structure nominale fixée.
u-one-input = 1 donnée explique { $share } de la variance du résultat { $figure } selon { $method } : à mesurer en premier.
u-n-inputs = { $count } données expliquent { $share } de la variance du résultat { $figure } selon { $method } : à mesurer en premier.
u-no-small-set = les { $count } plus grandes des { $of } données expliquent { $share } de la variance du résultat { $figure } selon { $method } : aucun petit groupe ne domine ; mesurer celles-ci en premier.
u-whisker = intervalle à 95 % : { $range } ; médiane { $median }
u-inputs-summary = { $count ->
    [one] { $n } donnée incertaine
   *[other] { $n } données incertaines
} (dont { $assumed } de distribution supposée)
u-assumption = (hypothèse : { $why })
u-more-inputs-html = … { $count } autres données incertaines : voir le rapport JSON
u-not-propagated-html = Non propagé :
u-histogram-label = distribution de { $figure } selon { $method }
u-iterations-in-bin = { $range } : { $count ->
    [one] { $n } itération
   *[other] { $n } itérations
}
u-percentile-low = 2,5e centile
u-percentile-high = 97,5e centile
u-tornado-label = données par part de la variance de { $figure } selon { $method }
u-share-of-variance = { $key } : { $share } de la variance
u-total-line = { $figure } : médiane { $median }, 95 % : { $range } ({ $spread })
u-histogram-note = sur les itérations ; en tirets : l’intervalle à 95 %, en rouge : la valeur ponctuelle
u-sensitivity-html = sensibilité ({ $measure }, { $shown } sur { $count ->
    [one] { $n } donnée
   *[other] { $n } données
}) :
u-intervals-summary = intervalles de chaque résultat ({ $count })
u-differences-caption = écarts entre méthodes (B − A, mêmes tirages)
col-a-to-b = A → B
col-median-difference = B − A (médiane)
col-verdict = verdict
u-significant = significatif
u-same-figure = le même résultat
u-spans-zero = contient 0
u-not-significant-short = pas d’écart significatif
u-may-explain-nothing = peut ne rien expliquer
u-drivers-caption = facteurs d’écart : intervalles

## Le classement de plusieurs systèmes

systems-title = Systèmes comparés — { $count } systèmes
league-title = classement bilan — { $count } systèmes
col-system = système
col-inventory-name = nom dans l’inventaire
col-reporting-period = période de déclaration
baseline-mark = { $name } (référence)
col-vs-baseline = par rapport à la référence
col-data = données
status-not-run = non exécuté
baseline = référence
ratio-beyond-range = hors de la plage des nombres 64 bits
quality-of-total-system = système (qualité des données du total)
col-unit = unité
col-note = remarque
missing = manquant
output-tokens = { $count } jetons produits par requête
system-b-minus-baseline = système B (B − référence)
by-kind-header = par type d’élément (B − référence)
phases-header = électricité par phase (référence → B)
col-split = répartition
col-volume = volume
col-energy-per-unit = énergie informatique par unité
col-pue = PUE
col-grid-effective = réseau (effectif)
phase-none = aucune
method-failed = { $method } { $status } sur { $system } : { $reason }
status-on-system = { $status } sur { $system } : { $reason }
no-figure = aucun résultat sur aucun système
differences-rule = écarts : chaque système face à la référence, par facteur (LMDI par phase sur volume × énergie informatique par unité × PUE × réseau ; matériel, bâtiment et autres postes additifs) et par type d’élément, chacun avec son résidu : docs/systems.md
chart-by-system = { $indicator } par système
caption-per-unit-matched = par unité fonctionnelle (appariées par type)
col-grade-of-total = note du total
chart-difference-by-driver = écart par facteur
difference-from-baseline = Écart à la référence, par facteur
col-system-b = système B
col-b-minus-baseline = B − référence
divergence-details = { $a } → { $b } : { $amount } par facteur, par type d’élément, par phase
caption-by-kind = par type d’élément
col-kind = type
sdriver-volume = volume
sdriver-energy-per-unit = énergie par unité
sdriver-it-energy = énergie informatique
sdriver-pue = PUE
sdriver-grid = réseau électrique
sdriver-hardware = matériel
sdriver-building = bâtiment
sdriver-other = autres postes
split-lmdi = LMDI
split-zero-factor = facteur nul
split-one-sided = d’un seul côté
split-residual = résidu
kind-site = site
kind-fleet = parc
kind-workload = charge de travail
kind-building = bâtiment
kind-transport = transport
kind-end-of-life = fin de vie
kind-service = service
kind-fuel = combustible
kind-refrigerant = fluide frigorigène
kind-instrument = instrument contractuel
kind-offset = compensation

unit-kind-training-run = par entraînement
unit-kind-training-token = par jeton d’entraînement
unit-kind-request = par requête
unit-kind-output-token = par 1 000 jetons produits
unit-kind-token = par 1 000 jetons
unit-kind-flop = par FLOP
