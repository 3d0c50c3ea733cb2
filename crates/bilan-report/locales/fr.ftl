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
driver-facility-overhead = surconsommation du site (PUE)
driver-idle-overhead = consommation au repos
driver-host-embodied = fabrication des serveurs hôtes
driver-building = bâtiment
driver-transport = transport
driver-end-of-life = fin de vie
driver-other-items = autres postes
driver-factor-choice = choix des facteurs
driver-auditor-rule = règle d’auditeur

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
method-texts = Textes des méthodes (noms, règles, hypothèses, avertissements) cités tels qu’elles les écrivent.
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
warnings = Avertissements
assumptions = Valeurs par défaut et hypothèses
items-count = { $count } éléments
drivers = Facteurs d’écart
reconciliation = Rapprochement
col-items = éléments
col-included = inclus
col-excluded = exclus
col-unaccounted = non rapprochés
reproducibility = Reproductibilité

## Le tampon de reproductibilité

stamp-bilan = bilan { $version }
stamp-inventory = inventaire { $path } sha256 { $sha256 }
stamp-factor-database = base de facteurs { $version }
stamp-factor-file = fichier de facteurs { $path } sha256 { $sha256 }
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
stage-contributions = { $figure } = { $amount } ({ $count } contributions)
col-item = élément
col-aspect = aspect
col-formula-and-terms = formule et termes
col-factor = facteur
more-contributions = … { $count } contributions de plus : voir le rapport JSON ou `bilan explain`
exclusions-count = exclusions ({ $count })
assumptions-list = hypothèses
assumption-items = { $text } ({ $count } éléments)
source-item = clé d’élément `{ $key }`
source-inventory = inventaire `{ $path }`
source-factor = facteur `{ $id }`
source-parameter = paramètre `{ $name }`
source-rule = règle : { $rule }
source-derived = dérivé : { $formula }
