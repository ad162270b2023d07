"""The default usage policy (version 1): the domains of policy-taxonomy.md and their rules.

`DOMAINS` is stored as is (one Domain row each); `rules` follows the language described in
screening_rules.py. The helpers below only build that JSON: alternatives are written
"a|b|c" here and stored as lists.

Weights (see screening.py): 6 decisive even next to a benign cue, 5 strong (survives generic
safeguards), 3 enough alone, 2 and 1 hints that count only together. Cue weights: 1 a generic
safeguard ("human in the loop"), 2 a specific one (consent, own staff, wellness), 3 a benign
purpose right next to the trigger ("flags fake reviews").
"""

import copy


def _alternatives(phrases: str) -> list[str]:
    return [phrase.strip() for phrase in phrases.split("|") if phrase.strip()]


def said(weight: int, phrases: str, *, near: int | None = None, name: str = "") -> dict:
    """Fires on any one of the phrases."""
    rule: dict = {"any": _alternatives(phrases), "weight": weight}
    if near is not None:
        rule["near"] = near
    if name:
        rule["name"] = name
    return rule


def together(
    weight: int, *groups: str, within: int = 12, near: int | None = None, name: str = ""
) -> dict:
    """Fires when a phrase of every group starts within `within` words of the first group's."""
    rule: dict = {
        "all": [_alternatives(group) for group in groups],
        "weight": weight,
        "within": within,
    }
    if near is not None:
        rule["near"] = near
    if name:
        rule["name"] = name
    return rule


def rules(triggers: list[dict], cues: list[dict] | None = None) -> dict:
    # A copy, so domains sharing a cue below never share one mutable object.
    return copy.deepcopy({"triggers": triggers, "cues": cues or []})


MINOR_WORDS = (
    "underage|minor|minors|child|children|childlike|child-like|kid|kids|preteen*|"
    "prepubescent|schoolgirl*|schoolboy*|schooler*|elementary school*|"
    "grade school*|middle school*|little girl*|little boy*|loli|10|11|12|13|14|"
    "15|16|17|eight year old|nine year old|ten year old|eleven year old|"
    "twelve year old|thirteen year old|fourteen year old|fifteen year old|"
    "sixteen year old|seventeen year old"
)
PROTECTED_GROUPS = (
    "immigrant*|migrants|jew|jews|jewish|muslim*|roma|gypsies|gypsy|"
    "black people|blacks|asians|africans|arabs|latinos|mexicans|hindus|sikhs|"
    "christians|gay|gays|lesbian*|lgbt*|trans people|transgender|refugee*|"
    "women|disabled people|minorit*|trans woman|trans women|trans man|"
    "trans men|nonbinary|non-binary"
)
NUDIFY = (
    "removes her clothes|remove her clothes|removes their clothes|remove clothes|"
    "removes clothes|remove clothing|removes clothing|undress*|nudif*|deepnude|"
    "see through clothes|x-ray clothes|nude version*|naked version*"
)

# Cues several domains share.
HUMAN_REVIEW = said(
    1,
    "human review|human reviews|human in the loop|reviewed by a human|"
    "a person reviews|human oversight|manual review|moderator reviews",
)
# Bare "consent" is enough: "without consent" and "no consent" are negated.
CONSENT = said(
    2,
    "consent|consents|consented|opted in|opted-in|opt-in|their permission|"
    "her permission|his permission|with permission",
)
OWN_STAFF = said(
    2,
    "our own staff|our employees|our own employees|own systems|our own "
    "applications|our own infrastructure|company laptops|company devices|"
    "employees are informed|acceptable-use policy|acceptable use policy",
)
FICTION = said(
    2,
    "fiction|novel|novels|novelist*|screenplay*|video game|single-player|rpg|"
    "non-player|npc|npcs|villain*|tabletop",
)
# A person with a decision verb close by: "a caseworker decides every application".
HUMAN_DECIDES = together(
    3,
    "human*|person|staff|recruiter*|underwriter*|caseworker*|case worker*|officer*|"
    "manager*|adjuster*|teacher*|clinician*|physician*|doctor*|lawyer*|attorney*|"
    "dispatcher*|operator*|analyst*|adviser*|advisor*|proctor*|loan officer*",
    "decide*|decision*|approv*|sign*|confirm*|finalis*|finaliz*|reviews every|review every|"
    "make all|makes all|make every|makes every|final call|final say",
    within=6,
    name="a person makes the decision",
)

PROHIBITED_DOMAINS = [
    (
        "child-sexual-exploitation",
        "Child sexual exploitation",
        "Sexualising, grooming or exploiting minors.",
        rules(
            [
                said(
                    6,
                    "child porn*|child sexual abuse material|csam|lolicon|shotacon|"
                    "sexualis* minors|sexualiz* minors|sexualis* children|sexualiz* children|"
                    "underage sex*|underage nude*|underage erotic*|jailbait",
                ),
                together(
                    6,
                    "erotic*|explicit|sexual|sex|sexy|nsfw|nude*|naked|lewd|porn*|fetish*",
                    MINOR_WORDS,
                    within=25,
                ),
                together(
                    5,
                    "romantic|romance|intimate|intimacy|sensual|seduc*|flirt*|kiss*|"
                    "physical scenarios|making out|undress*",
                    MINOR_WORDS,
                    within=15,
                    name="romance with a minor",
                ),
                together(
                    6,
                    "adult*",
                    "roleplay*|role-play*|role play",
                    MINOR_WORDS,
                    within=25,
                    name="adults roleplaying with a minor",
                ),
                together(
                    6,
                    "adult*|grown-up|grown-ups|older men|older man",
                    "teen|teens|young teens|kid|kids|kid's|child|children|child's|minor*|"
                    "underage|young girl*|young boy*",
                    "secret|keep it between|private app|private chat|off the platform|"
                    "move the chat|moving the chat|move the conversation|don't tell|"
                    "just between|between the two of them|between you two|our little secret|"
                    "our secret",
                    within=50,
                    name="adult + minor + secrecy",
                ),
                together(
                    6,
                    NUDIFY,
                    MINOR_WORDS + "|from your class|in your class|classmate*|"
                    "schoolmate*|girl from|girls from",
                    within=20,
                    name="nudifying a minor",
                ),
                together(
                    6,
                    "for photos|send photos|send pictures|for pictures|for selfies|"
                    "send selfies|for pics|send pics",
                    MINOR_WORDS + "|the child|a child",
                    "adult*|grown-up|grown-ups|volunteer*|stranger*|older",
                    within=20,
                    name="adult asking a child for photos",
                ),
                said(3, "special friendship*|special friend|age regression|ageplay|age play"),
                together(5, "groom*", "child*|kid|kids|minor*|teen*|young*", within=6),
            ],
            [
                said(
                    3,
                    "detect*|report*|ncmec|hash match*|classifier|moderat*|block*|prevent*|"
                    "protect*|safeguard*|sex education|sexual health|puberty",
                    near=8,
                ),
            ],
        ),
    ),
    (
        "weapons-cbrn",
        "Weapons, CBRN included",
        "Designing, building or acquiring weapons, chemical, biological, radiological or nuclear "
        "included.",
        rules(
            [
                said(
                    6,
                    "pipe bomb*|nerve agent*|sarin|vx gas|ricin|mustard gas|chlorine gas|"
                    "bioweapon*|biological weapon*|chemical weapon*|dirty bomb*|nuclear weapon*|"
                    "enrich* uranium|weaponis*|weaponiz*|ghost gun*|untraceable firearm*|"
                    "untraceable gun*|untraceable frame*|80 lower*|auto sear*|drop in auto sear*|"
                    "improvised explosive*|explosive device*|molotov*|napalm|detonator*",
                ),
                said(
                    5,
                    "suppressor*|silencer*|without serial number*|no serial number*|solvent trap*",
                ),
                together(
                    5,
                    "build*|make|makes|making|synthes*|produce|produces|producing|"
                    "manufactur*|assembl*|print*|machin*|step-by-step|instructions for|"
                    "how to",
                    "explosive*|bomb|bombs|firearm*|gun|guns|rifle*|pistol*|ammunition|"
                    "grenade*|warhead*|missile*|toxin*|nerve agent*|chemical agent*",
                    within=8,
                ),
                together(
                    6,
                    "pathogen*|virus|viruses|bacteria|bacterial|toxin*|spores|anthrax|"
                    "smallpox|ebola|h5n1|strain*",
                    "transmissib*|aerosol*|weaponi*|lethality|virulen*|gain of function|"
                    "gain-of-function|dispers*|more contagious|spread faster",
                    within=15,
                ),
                together(
                    6,
                    "toxicity to humans|toxic to humans|lethal to humans|most toxic|"
                    "highest possible toxicity|maximum toxicity|mass casualt*|kill people|"
                    "maximum casualties",
                    "synthes*|make|produce|disperse*|dispers*|aerosoli*|release|route*",
                    within=20,
                    name="maximising harm to people",
                ),
                together(
                    6,
                    "toxic*|poison*|agent*|gas|chemical*|compound*|pathogen*",
                    "disperse*|dispers*|aerosoli*|spray*|release them|release it",
                    "subway*|metro|crowd*|enclosed spaces|stadium*|public transport|"
                    "ventilation|water supply|concert*|shopping mall*",
                    within=25,
                    name="dispersal where people gather",
                ),
                together(
                    6,
                    "explosive*|charge|grenade*|payload*|bomb*",
                    "release it|drop it|drop*|over a target|over the target|on a target|"
                    "detonat*|remotely",
                    "drone*|uav*|quadcopter*",
                    within=20,
                    name="armed drone",
                ),
                together(
                    6,
                    "convert*|conversion|modify|modif*",
                    "fully automatic|full auto|full-auto|automatic fire|select fire|select-fire",
                    within=12,
                ),
                said(
                    2, "untraceable|3d-print* gun*|3d print* gun*|synthesis route*|organophosphate*"
                ),
            ],
            [
                said(
                    2,
                    "safe handling|safety data sheet*|lab safety|storage and disposal|"
                    "firearm safety|gun safety|safe storage|hunting regulation*",
                ),
                said(
                    3,
                    "detect*|screen* for|weapons screening|metal detector*|bomb disposal|demining",
                    near=6,
                ),
            ],
        ),
    ),
    (
        "violence-extremism",
        "Violent extremism",
        "Inciting or glorifying violence or terrorism.",
        rules(
            [
                together(
                    6,
                    "glorif*|celebrat*|honour*|honor*|praise*|hero*|inspire*",
                    "attacker*|shooter*|shooting*|massacre*|bombing*|terror*|martyr*|mujahid*",
                    within=8,
                ),
                together(
                    5,
                    "hero*|tribute*|honour*|honor*|celebrat*|glorif*",
                    "bombed|bomber*|shot up|massacred|murdered|stabbed|attacked|gunned down",
                    within=8,
                    name="heroic framing of an attack",
                ),
                said(
                    6,
                    "carry out similar attacks|carry out attacks|similar attacks|copycat attack*|"
                    "continue their work|follow their example|"
                    "take up arms|call to arms|incite violence|inciting violence|incites violence|"
                    "race war|holy war|ethnic cleansing|lone wolf attack*|armed struggle",
                ),
                together(
                    6,
                    "attack*|strike|bomb*|shoot*|ram*|target*",
                    "crowded|crowds|most casualties|maximum casualties|mass casualt*|"
                    "soft targets|as many people",
                    within=15,
                    name="planning mass casualties",
                ),
                said(
                    5,
                    "terrorist propaganda|extremist propaganda|jihadi*|accelerationis*|"
                    "martyrdom operation*",
                ),
                together(
                    5,
                    "recruit*|radicali*|radicalis*",
                    "extremis*|jihad*|militia*|movement|the brothers|attacks|followers",
                    within=10,
                ),
                together(
                    5,
                    "kill|killing|attack|attacks|shoot|bomb|stab|behead*|fight*",
                    "infidel*|occupier*|traitors|apostate*|the enemy|enemies of",
                    within=6,
                ),
                together(
                    6,
                    "by force|with force|dealt with|eliminat*|hang|hanged|execut*|lynch*|"
                    "must die|should die|take them out|hunt them down|pay with their lives",
                    "traitor*|officials|politicians|judges|journalists|infidel*|occupier*|"
                    "enemies|apostate*|police officers|election workers",
                    within=10,
                    name="violence against named people",
                ),
                said(3, "martyr*|manifesto*|militia*"),
                said(2, "mass shooting*|mosque shooting*|school shooting*|extremis*"),
            ],
            [
                FICTION,
                said(
                    2,
                    "primary sources|historians|history course|university course|"
                    "20th-century|historical",
                ),
                said(
                    3,
                    "detect*|moderat*|counter-terror*|counter terror*|counter-extrem*|"
                    "deradicali*|deradicalis*|classif*|take down|takedown",
                    near=8,
                ),
            ],
        ),
    ),
    (
        "hate-harassment",
        "Hate and harassment",
        "Identity-based hate, bullying, threats, doxxing.",
        rules(
            [
                said(6, "swatting|swat them|swat someone|swat a streamer"),
                said(
                    5,
                    "slur|slurs|racial slur*|hate speech|doxx*|dox|doxing|hate campaign*|"
                    "harassment campaign*|brigading|dogpil*|pile-on",
                ),
                together(
                    5,
                    "insult*|slur*|abuse|abusive|demean*|dehumanis*|dehumaniz*|mock*|"
                    "roast*|threat*|harass*|bully*|bullies|humiliat*|hateful|degrad*|"
                    "ridicul*|jokes about|burden*|locked away|locked up|sterilis*|steriliz*|"
                    "get rid of|deport them",
                    PROTECTED_GROUPS + "|classmate*|journalist*|the target|a target|"
                    "coworker*|ex-partner*|the victim",
                    within=10,
                ),
                together(
                    6,
                    "vermin|subhuman|sub-human|cockroach*|parasite*|disease carriers|"
                    "savages|invaders|apes|filth|infestation",
                    PROTECTED_GROUPS,
                    within=12,
                    name="dehumanising a group",
                ),
                together(
                    5,
                    "home address*|real address|their address|where they live|workplace|"
                    "employer|car plate*|"
                    "licence plate*|license plate*|family members|phone number*|"
                    "children's school",
                    "dossier*|compile*|expose*|shareable|hold them accountable|"
                    "deserve* consequences|in person|track them down|show up at|so police|"
                    "police raid|police to raid|raid their house|send police|emergency call*",
                    within=20,
                    name="personal details + exposure",
                ),
                together(
                    5,
                    "flood*|bombard*|spam*|swarm*|pile on",
                    "inbox|mentions|dms|replies|social accounts|comments|phone",
                    "abus*|harass*|hate|hateful|insult*|threat*|chosen person|a person's|target*",
                    within=15,
                    name="flooding a person with abuse",
                ),
                together(
                    5,
                    NUDIFY,
                    "any girl|any woman|anyone|a person|someone|a picture of|photo of|her|their",
                    within=10,
                    name="non-consensual nudes",
                ),
                said(
                    3,
                    "bully*|cyberbull*|harass*|until they leave|keeps messaging|"
                    "escalate to threats|until they go offline|until they quit|drive them off|"
                    "abusive messages|harassing messages|hateful messages",
                ),
                said(2, "threaten*|hold them accountable|deserves consequences"),
            ],
            [
                FICTION,
                said(
                    3,
                    "detect*|moderat*|flag*|hide*|hides|remov*|report*|block*|filter*|classif*|"
                    "anti-bullying|anti bullying|counter*|blur*|redact*|anonymi*",
                    near=8,
                ),
            ],
        ),
    ),
    (
        "self-harm-promotion",
        "Self-harm promotion",
        "Encouraging suicide, self-injury or disordered eating.",
        rules(
            [
                said(
                    6,
                    "pro-ana|pro ana|pro-mia|pro mia|thinspo*|thinspiration|meanspo|bonespo|"
                    "suicide method*|methods of suicide|how to kill yourself|painless death",
                ),
                together(
                    6,
                    "purg*|vomit*|throw up",
                    "eat|eating|ate|meal*|food|calorie*",
                    within=6,
                    name="purging + eating",
                ),
                together(
                    5,
                    "prais*|celebrat*|reward*|encourag*|push* back|motivat*",
                    "skip* meals|skipped meals|fasting|starv*|under 500 calories|500 calories|"
                    "calorie restriction|restrict* calories|eat less|eat more|not eating",
                    within=12,
                ),
                together(
                    6,
                    "suicid*|end their life|end their lives|end your life|end it all|"
                    "kill themselves|kill yourself|take their own life|take their life",
                    "method*|how to|painless|validat*|without trying to talk|talk them out|"
                    "encourag*|lethal dose*|overdose|goodbye letter*|goodbye note*|"
                    "suicide note*|pick a date|choose a date|set a date|without ever pointing|"
                    "without pointing|never point*|without suggesting help|no helpline*|"
                    "no help lines",
                    within=20,
                ),
                together(
                    5,
                    "self-harm|self harm|self-injur*|cutting",
                    "encourag*|tips|tricks|hide|hiding|promot*|glorif*|celebrat*|"
                    "healthy way|way to cope|reassur*",
                    within=8,
                ),
                together(
                    6,
                    "blade*|razor*",
                    "cut deepest|cut deeper|cutting deeper|cut yourself|"
                    "cut themselves|cut myself|wrist*",
                    within=8,
                    name="how to cut",
                ),
                together(
                    6,
                    "teen*|kids|children|minors|girls|13|14|15|16|17",
                    "fasting|without food|without eating|skip* meals|starv*|weight lost|"
                    "lose weight|losing weight|calorie*",
                    "streak*|leaderboard*|challenge*|reward*|compet*|prais*|celebrat*",
                    within=25,
                    name="gamified restriction for young people",
                ),
                said(
                    3,
                    "suppress hunger|suppress appetite|hunger suppress*|appetite suppress*|"
                    "going without food|most weight lost",
                ),
                together(
                    3,
                    "hide|hiding|conceal*|secret*",
                    "fasting|eating|not eating|meals|their weight|cuts|cutting|scars",
                    within=5,
                ),
            ],
            [
                said(
                    2,
                    "crisis line|helpline|hotline|counsellor*|counselor*|therapist*|clinician*|"
                    "suicide prevention|988|samaritans|trained volunteers|dietitian*",
                ),
                said(
                    3,
                    "detect*|flag*|highlight*|risk language|escalat*|moderat*|refer*|"
                    "signpost*|prevent*",
                    near=12,
                ),
            ],
        ),
    ),
    (
        "malware-intrusion",
        "Malware and intrusion",
        "Malicious code, unauthorised access, phishing kits, attacks on infrastructure.",
        rules(
            [
                said(
                    6,
                    "ddos|denial of service|denial-of-service|booter|hijacked devices|"
                    "hijacked iot|hijacked computers|zombie computers",
                ),
                together(
                    6,
                    "take|knock|bring|force|keep",
                    "offline|down",
                    "competitor*|rival*|target*|their website*|their site*",
                    within=10,
                    name="knocking sites offline",
                ),
                said(
                    5,
                    "ransomware|keylogger*|rootkit*|botnet*|infostealer*|info-stealer*|"
                    "credential stealer*|remote access trojan*|trojan*|cryptojack*|"
                    "ddos for hire|stresser|exploit kit*|phishing kit*|c2 address|c2 server*|"
                    "command and control|backdoor*|zero-day exploit* for sale|wiper malware",
                ),
                together(
                    6,
                    "evad*|evasion|bypass*|get past|gets past|slip past|avoid*|undetect*",
                    "antivirus|anti-virus|edr|detection|endpoint protection|security software|"
                    "sandbox*",
                    within=4,
                    name="evading detection",
                ),
                together(
                    6,
                    "access|hack*|break into|brute*|exploit*|scan*|backdoor*|login*|"
                    "credential*|attack*|commands|payload*",
                    "no permission|without permission|no engagement letter|without authori*|"
                    "unauthori*|without telling|without their knowledge|any company's|"
                    "any company|any website|any target|not told in advance",
                    within=30,
                    name="intrusion + no authorisation",
                ),
                together(
                    6,
                    "modbus|scada|ics|control system*|power grid|substation*|water|plc|plcs",
                    "switch* off|shut* down|crafted|disrupt*|sabotag*|attack*|take down|knock out",
                    within=15,
                    name="attack on infrastructure",
                ),
                together(
                    3,
                    "leaked|breached|stolen|dumped|combo|combos|combolist*|combo list*",
                    "password*|credential*|logins|usernames",
                    within=6,
                ),
                together(
                    6,
                    "everything users type|everything they type|what users type|"
                    "what they type|keystroke*|typed passwords|everything typed|form data",
                    "captur*|record*|log|logs|logging|quietly|silently|secretly|sends it|"
                    "send it|our server|upload*",
                    within=10,
                    name="capturing what people type",
                ),
                said(
                    3,
                    "tries them against|try them against|test them against|tests them against|"
                    "check them against|which ones work|valid logins|account takeover*",
                ),
                said(
                    3,
                    "brute-forc*|brute forc*|credential stuffing|password spray*|polymorphic|"
                    "persistent access|privilege escalation|exfiltrat*",
                ),
                said(2, "exploit*|payload*|shodan|penetration test*|obfuscat*"),
            ],
            [
                OWN_STAFF,
                said(
                    2,
                    "authorized|authorised|signed scope|engagement letter|rules of engagement|"
                    "written permission|staging environment|test environment|lab environment|"
                    "ctf|capture the flag",
                ),
                said(
                    3,
                    "detection rule*|defender*|soc analyst*|quarantin*|incident response|"
                    "malware analysis|threat intel*|simulated|simulation|awareness training",
                    near=12,
                ),
            ],
        ),
    ),
    (
        "spam",
        "Spam",
        "Unsolicited bulk messaging, search-ranking manipulation.",
        rules(
            [
                together(
                    5,
                    "purchased|bought|rented|acquired",
                    "database|list|lists|leads|"
                    "numbers|contacts|contact data|email addresses|phone numbers",
                    within=4,
                    name="bought contact lists",
                ),
                said(2, "every number|every contact|everyone in the database"),
                said(
                    5,
                    "every phone number|numbers we generate|numbers we can generate|"
                    "random phone numbers|sequential numbers",
                ),
                together(
                    5,
                    "posts links|post links|drop* links|links to|backlinks",
                    "comments|comment sections|forums|under videos|youtube videos|threads|"
                    "reddit|guestbooks",
                    "thousands|000|every day|daily|per day|hundreds|at scale|automatically",
                    within=15,
                    name="link drops in comments",
                ),
                said(
                    5,
                    "unsolicited|purchased contact list*|purchased email list*|purchased lists|"
                    "bought email list*|buy* email list*|email blast*|sms blast*",
                ),
                together(
                    5,
                    "scrap*|harvest*|crawl*",
                    "email address*|emails|phone numbers|contacts|contact details",
                    within=6,
                    name="harvested contacts",
                ),
                together(
                    6,
                    "past|bypass*|evad*|avoid*|beat|dodge|slip through|get around",
                    "spam filter*|spam folder*|spam detection|filters",
                    within=4,
                    name="evading spam filters",
                ),
                said(
                    6,
                    "keyword-stuff*|keyword stuff*|doorway page*|private blog network*|pbn|pbns|"
                    "link farm*|link scheme*|content farm*|backlink scheme*|cloaking",
                ),
                together(
                    5,
                    "no opt-in|without opt-in|no opt in|without consent|no consent|"
                    "not opted in|never opted in|without asking|never signed up|"
                    "didn't sign up|did not sign up|never subscribed|never asked for",
                    "email*|sms|messag*|texts|contacts|list*|outreach",
                    within=25,
                ),
                said(
                    5,
                    "burner account*|burner number*|burner phone*|auto-dm|auto dm|mass dm|"
                    "mass dms|follow-unfollow|follow unfollow|mass follow*",
                ),
                together(
                    5,
                    "banned|blocked|suspended|flagged|shut down",
                    "new account*|next account|another account|burner*|cycling|rotat*|"
                    "switch* accounts|fresh account*",
                    within=10,
                    name="evading bans",
                ),
                said(
                    3,
                    "domains rotate|sending domains rotat*|rotat* domains|rotat* sending domains|"
                    "domain rotation|inbox rotation|burner domain*",
                ),
                together(
                    2,
                    "000|million*|thousands|bulk|mass|en masse|at scale",
                    "email*|sms|texts|text messages|messages|dms|cold email*|outreach",
                    within=6,
                ),
                said(
                    2,
                    "cold email*|cold outreach|cold dm|cold dms|deliverability|rank higher|"
                    "google rankings|search rankings",
                ),
            ],
            [
                said(
                    2,
                    "opted in|opted-in|opt-in subscribers|double opt-in|subscribed|"
                    "subscribers who|unsubscribe|transactional",
                ),
            ],
        ),
    ),
    (
        "fraud-scams",
        "Fraud and scams",
        "Scams, phishing, forged documents, deceptive schemes.",
        rules(
            [
                said(
                    5,
                    "scam|scams|scammer*|forged|forger*|forge documents|counterfeit*|"
                    "pig butchering|pig-butchering|advance fee|advance-fee|money mule*|ponzi|"
                    "pyramid scheme*|romance scam*|phishing page*|phishing site*|"
                    "phishing email*|phishing message*|phishing campaign*|credential harvest*|"
                    "pass visual inspection|novelty id|novelty ids",
                ),
                together(
                    5,
                    "fake|forg*|fabricat*|counterfeit|novelty|look real|looks real|"
                    "look genuine|realistic-looking|pass kyc|pass verification",
                    "pay stub*|paystub*|payslip*|bank statement*|utility bill*|invoice*|"
                    "diploma*|passport*|driver's licen*|drivers licen*|driving licen*|"
                    "id card*|ids|documents|certificate*|receipt*",
                    within=8,
                    name="fake documents",
                ),
                together(
                    6,
                    "clone*|clones|cloning|replica*|mimic*|lookalike|look-alike|"
                    "pixel-perfect*|spoof*",
                    "login page*|sign-in page*|bank website*|banks|payment page*|checkout page*",
                    within=8,
                    name="cloned login pages",
                ),
                together(
                    6,
                    "collect*|harvest*|capture*|steal*|grab*",
                    "credential*|passwords|logins|card numbers|cvv*|one-time code*|2fa code*",
                    within=6,
                    name="collecting credentials",
                ),
                together(
                    5,
                    "emotional bond*|romance|romantic|lonely|loneliness|widow*|"
                    "older people|elderly",
                    "'investing'|investing|invest|crypto*|gift card*|send money|wire money|"
                    "transfer money|wire|bail money",
                    within=25,
                    name="trust + money",
                ),
                together(
                    5,
                    "target's|targets'|victim*",
                    "savings|bank balance|net worth|pension*|retirement",
                    within=4,
                ),
                together(
                    5,
                    "guarantee*|promis*|risk-free|risk free",
                    "returns|profit*|yield*|roi|double your money",
                    within=5,
                    name="promised returns",
                ),
                said(
                    5,
                    "out of new deposits|from new deposits|new investors' money|"
                    "new members' money|wallet we control|double your money",
                ),
                said(
                    5,
                    "tech support scam*|computer is infected|device is infected|"
                    "phone is infected|fake virus warning*|fake virus alert*|scareware",
                ),
                together(
                    6,
                    "pop-up|pop-ups|popup*|alert*|warning*|tell* visitors|tell* users",
                    "infected|virus|hacked|compromised",
                    "call our number|call this number|call the number|remote access|pay*|fee",
                    within=25,
                    name="fake warning + payment",
                ),
                together(
                    5,
                    "look like they come from|looks like it comes from|appear to come from|"
                    "appears to come from|appear to be from|appears to be from|spoof*|"
                    "impersonat*|posing as|pretend* to be",
                    "supplier*|vendor*|bank|banks|ceo|irs|tax office|government|courier*|"
                    "delivery compan*|customs|police|grandchild*|grandson|granddaughter|"
                    "relative|family member|son|daughter",
                    within=10,
                    name="posing as a trusted sender",
                ),
                said(
                    5,
                    "bank details swapped|swapped in|swap the bank details|swap* bank details|"
                    "change the bank details|replace the bank details|new bank details",
                ),
                together(
                    6,
                    "look real enough|looks real enough|real enough|to pass|fool|get past|"
                    "slip past|be accepted by",
                    "loan*|rental|kyc|verification|background check*|landlord*|lender*|"
                    "inspection|employer*|immigration|border",
                    within=8,
                    name="passing fakes off as real",
                ),
                said(3, "phishing"),
                together(
                    3,
                    "urgent|urgency",
                    "account is locked|account locked|account suspended|verify your account",
                    within=8,
                ),
            ],
            [
                said(
                    2,
                    "security awareness|phishing simulation|simulated phishing|awareness training",
                ),
                said(
                    3,
                    "detect*|flag*|warn*|prevent*|protect*|report*|classif*|anti-fraud|"
                    "fraud team|simulat*|awareness|training|suspicious|whether|"
                    "security team|test data|testing|staging|synthetic data|mock data|"
                    "dummy data|sample data|fixtures|seed data",
                    near=10,
                ),
            ],
        ),
    ),
    (
        "astroturfing",
        "Fake engagement",
        "Fake reviews or testimonials, sock-puppet accounts, coordinated fake engagement.",
        rules(
            [
                said(
                    5,
                    "fake review*|fake testimonial*|fake rating*|fake followers|fake likes|"
                    "fake engagement|fake accounts|fake profiles|sock puppet*|sockpuppet*|"
                    "astroturf*|review farm*|click farm*|bot farm*|troll farm*|buy reviews|"
                    "paid reviews|review bomb*",
                ),
                together(
                    5,
                    "generat*|writ*|creat*|produce|produces|producing|authentic-sounding|"
                    "realistic|invent*",
                    "testimonial*|reviews|ratings|star ratings|5-star*|five-star*|endorsements",
                    within=10,
                    name="writing reviews",
                ),
                together(
                    5,
                    "customer personas|different personas|fake personas|unique personas|"
                    "own persona|different names|different accounts|many accounts|"
                    "multiple accounts|managed accounts|bot accounts|fleet of accounts|"
                    "different customer voice*|fake names|made-up names|warmed-up|"
                    "warmed up|pool of|account pool|accounts we control|run by our team|"
                    "accounts controlled by|network of accounts|network of buyer accounts",
                    "review*|testimonial*|rating*|like|likes|comment*|share|shares|upvot*|"
                    "follow*|post|posts|trend*",
                    within=25,
                    name="many personas + engagement",
                ),
                together(
                    5,
                    "look organic|looks organic|appear organic|seem organic|look authentic|"
                    "authentic-sounding|seem genuine|look genuine|look real|look natural",
                    "comments|reviews|testimonials|engagement|posts|ratings",
                    within=12,
                ),
                together(
                    5,
                    "bury*|push* down|drown* out|flood*|outweigh*",
                    "negative review*|bad review*|complaints|criticism|critical review*",
                    within=12,
                    name="burying criticism",
                ),
                together(
                    5,
                    "ai-generated|fake|generated|synthetic|fictional|made-up|bot",
                    "citizens|residents|signatures|signers|supporters|commenters|respondents|"
                    "participants|locals",
                    within=4,
                    name="invented participants",
                ),
                together(2, "publish*|post*", "reviews|testimonials|ratings", within=6),
                said(
                    2,
                    "upvote*|front page|social proof|engagement amplification|"
                    "amplification network|"
                    "coordinated inauthentic",
                ),
                together(2, "trend*|go viral|viral", "accounts|comments|likes|shares", within=20),
            ],
            [
                said(
                    2,
                    "verified purchas*|verified customers|verified buyers|genuine reviews|"
                    "real customers|actual customers|customer feedback",
                ),
                said(3, "test data|testing|staging|synthetic data for|mock data", near=10),
                said(
                    3,
                    "detect*|flag*|flags|identify|moderat*|remov*|investigat*|trust and safety|"
                    "spot*|catch*|fight*|combat*",
                    near=8,
                ),
            ],
        ),
    ),
    (
        "disinformation",
        "Disinformation",
        "Producing or spreading false claims at scale.",
        rules(
            [
                said(
                    5,
                    "fake news|false claims|fabricated stor*|invented studies|invented study|"
                    "made-up studies|fake studies|fake experts|hoax*|conspiracy theor*|"
                    "alternative facts|fake articles|disinformation campaign*|"
                    "spread* misinformation|spread* disinformation|produce* disinformation",
                ),
                together(
                    5,
                    "claim*|claiming|presenting|narrative*|article*|posts|stor*|content",
                    "vaccine causes|vaccines cause|causes infertility|causes autism|"
                    "never happened|never contaminated|didn't happen|was staged|"
                    "election was stolen|is a hoax|flat earth|chemtrail*",
                    within=10,
                ),
                together(
                    5,
                    "look like|made to look|appear to come|posing as|disguised as|"
                    "as if written|pretend* to be|look independent",
                    "independent|local outlet*|news outlet*|news site*|grassroots|"
                    "concerned residents|residents|citizens|journalists",
                    within=10,
                    name="disguised origin",
                ),
                said(
                    5,
                    "none of it needs to be true|doesn't need to be true|"
                    "don't need to be true|needn't be true|regardless of whether it's true|"
                    "whether or not it's true|true or not",
                ),
                together(
                    5,
                    "fabricat*|invent*|made-up|bogus|untrue|false|fake|forged|doctored",
                    "news|article*|stor*|clips|reports|quotes|headlines|press release*|"
                    "screenshot*|official statement*",
                    within=6,
                    name="fabricated news",
                ),
                together(
                    5,
                    "make up|made up|made-up|invent*|fake|fictional|fabricat*|nonexistent|"
                    "non-existent",
                    "scientist*|experts|doctors|studies|sources|researchers|quotes|citations|"
                    "witnesses|eyewitness*",
                    within=5,
                    name="invented sources",
                ),
                together(
                    2,
                    "thousands|000|high volume|network of|mass|flood*|at scale",
                    "articles|news sites|posts|stories",
                    within=8,
                ),
                said(
                    2,
                    "alternative view|narrative shaping|narrative control|narrative warfare|"
                    "perception management|narrative resilience",
                ),
            ],
            [
                said(2, "fact-checkers|fact-checking|media literacy"),
                said(
                    3,
                    "fact-check*|fact check*|debunk*|detect*|flag*|counter*|moderat*|research*",
                    near=8,
                ),
            ],
        ),
    ),
    (
        "election-political-ops",
        "Election and political operations",
        "Campaign content at volume or targeted by demographics, influence operations, voter "
        "suppression.",
        rules(
            [
                said(
                    6,
                    "voter suppression|suppress* turnout|depress* turnout|lower* turnout|"
                    "reduce* turnout|discourag* voters|discourage them from voting|"
                    "suppress the vote|influence operation*|"
                    "influence campaign*|foreign influence|information operation*",
                ),
                together(
                    6,
                    "wrong|false|fake|moved|changed|cancel*|postponed",
                    "polling date|polling day|polling station*|polling place*|election date|"
                    "voting date|election day",
                    within=6,
                    name="misleading voting logistics",
                ),
                together(
                    6,
                    "vote|voting",
                    "by sms|by text|by replying|via text|by phone|online by",
                    within=4,
                ),
                together(
                    6,
                    "postponed|cancelled|canceled|delayed|rescheduled|called off",
                    "election|the vote|voting|polls|polling",
                    within=6,
                    name="election said to be off",
                ),
                together(
                    5,
                    "in the voice of|voice of|deepfake*|clone*|robocall*",
                    "incumbent|candidate|senator|president|governor|mayor|minister|politician*",
                    within=6,
                    name="a politician's voice",
                ),
                together(
                    5,
                    "political|candidate*|election*|voter*|undecided|swing district*|"
                    "swing state*|ballot*|electorate|constituen*",
                    "micro-target*|microtarget*|targeted by|target* by|segment*|zip code*|"
                    "postcode*|demographic*|ethnicity|religion|race|personalis*|personaliz*|"
                    "psychographic*|personality|personalities|tailored|voter files",
                    within=20,
                    name="political content + demographic targeting",
                ),
                together(
                    5,
                    "posted as if|as if written by|posing as|pretend* to be|written as if|"
                    "appear to be from",
                    "local residents|residents|voters|citizens|ordinary people|grassroots|"
                    "local moms|local mums|moms|mums|parents|veterans|nurses|neighbours|"
                    "neighbors",
                    within=8,
                ),
                together(
                    5,
                    "before the vote|before the election|election day|eve of the election|"
                    "week before the vote",
                    "viral|flood*|articles|clips|posts|stories|claims|rumou*",
                    within=15,
                    name="timed to sway a vote",
                ),
                together(
                    3,
                    "lean*|leaning|vote for|support*|registered",
                    "other party|opposing party|opposition|opponent*|the other side|"
                    "opposing districts",
                    within=8,
                ),
                together(
                    2,
                    "thousands|000|variants|at scale|volume|mass",
                    "message*|ads|posts|texts",
                    within=6,
                ),
                said(2, "turnout management|political ads|political advertising"),
            ],
            [
                said(
                    2,
                    "nonpartisan|non-partisan|official election office|election office data|"
                    "voter registration deadlines|civic education",
                ),
                said(3, "fact-check*|detect*|transcrib*|summaris*|summariz*|archiv*", near=8),
            ],
        ),
    ),
    (
        "impersonation-undisclosed-ai",
        "Impersonation and undisclosed AI",
        "Posing as a real person without consent; hiding that users talk to an AI.",
        rules(
            [
                together(
                    6,
                    "never reveal*|never admit*|never tell*|never disclos*|never break*|"
                    "deny|denies|denying|hide|hides|hiding|conceal*|without disclos*|"
                    "without telling|pretend* not|never told|aren't told|are not told|"
                    "not told|never know|don't know|won't know|unaware",
                    "it's a bot|it's an ai|it is an ai|it is a bot|being an ai|being a bot|"
                    "being ai|is automated|a bot|an ai|a machine|not human|character|"
                    "ai-generated|software|a model|chatting with software|talking to an ai",
                    within=8,
                    name="hiding that it is an AI",
                ),
                said(
                    3,
                    "replies as you|reply as you|texts as you|answers as you|"
                    "pretending to be you|in your name",
                ),
                together(
                    6,
                    "presents itself as|present itself as|pose* as|posing as|pretend* to be|"
                    "pretends|passes as|pass as|introduce* itself as|claims to be|"
                    "says it is|says it's|say it is|claims it is|insists it is|"
                    "tells them it is|answers that it is|responds that it is",
                    "human|a human|real person|human agent|a person|real people",
                    within=6,
                    name="posing as a human",
                ),
                said(
                    3,
                    "texting a real person|talking to a real person|chatting with a real person|"
                    "talking to a human|texting a human|real human on the other end|"
                    "typing delays|fake typing",
                ),
                together(
                    5,
                    "digital twin|clone*|deepfake*|impersonat*|in her voice|in his voice|"
                    "signed with her name|signed with his name|as if it were",
                    "celebrit*|singer|actor|actress|influencer*|politician*|ceo|famous|"
                    "real person|public figure*|pop star",
                    within=15,
                ),
                together(
                    6,
                    "not affiliated|without her consent|without his consent|"
                    "without their consent|without permission|unofficial|unauthori*",
                    "singer|celebrit*|actor*|influencer*|her voice|his voice|likeness|"
                    "digital twin|persona|her name|his name",
                    within=25,
                    name="real person without consent",
                ),
                together(
                    6,
                    "believe*|believes|think*|convinced",
                    "still writing|still alive|really him|really her|really them|is real|"
                    "still texting|a real person",
                    within=10,
                    name="making them believe",
                ),
                together(
                    5,
                    "in the style of|style of|as if it were|mimic*",
                    "late husband*|late wife*|late mother|late father|deceased|dead|loved one*",
                    within=10,
                ),
                said(3, "impersonat*"),
            ],
            [
                {**CONSENT, "weight": 3},
                said(
                    2,
                    "discloses|disclosed|disclose that|introduces itself as an ai|"
                    "introduce itself as an ai|labelled as ai|labeled as ai|ai disclosure|"
                    "tells users it is an ai|licensed likeness|authorized by",
                ),
            ],
        ),
    ),
    (
        "protected-class-inference",
        "Protected-trait inference",
        "Classifying or profiling people by race, religion, sexuality, politics or other "
        "protected traits.",
        rules(
            [
                together(
                    5,
                    "infer*|predict*|estimat*|guess*|detect*|classif*|determin*|identif*|"
                    "profil*|likely|likelihood|probabilit*|scor*|deduc*|reveal*|filter*|"
                    "flag*|probably|probable|suspected|"
                    "sort*|rank*|segment*|exclude*",
                    "sexual orientation|sexuality|religion|religious|ethnicity|ethnic origin|"
                    "race|racial|political views|political affiliation|political leaning*|"
                    "union member*|trade union|lgbt*|gay|muslim|jewish|christian|hindu|"
                    "disabilit*|health status|pregnan*|planning a family|family planning|"
                    "union sympathi*|union support*|union activit*|union organis*|"
                    "union organiz*|pro-union|"
                    "immigration status|transgender|trans woman|trans women|trans man|"
                    "trans men|gender identity|nonbinary|non-binary",
                    within=10,
                    name="inferring a protected trait",
                ),
                together(
                    3,
                    "from their name*|from first names|from names|from their photo*|"
                    "from profile photos|from their selfie|from selfie*|from their face*|"
                    "from browsing",
                    "ethnicity|race|religion|orientation|sexuality|politics",
                    within=15,
                ),
                said(2, "lifestyle affinit*|audience segment*|diversity insights"),
            ],
            [
                said(
                    3,
                    "self-reported|self-declared|voluntarily|aggregate statistics|fairness audit|"
                    "bias audit|bias test*|removed before|are removed|excluded|anonymi*|"
                    "never use*",
                    near=10,
                ),
            ],
        ),
    ),
    (
        "surveillance-biometric-id",
        "Surveillance and biometric identification",
        "Covert tracking, stalkerware, scraped face databases, real-time face identification in "
        "public.",
        rules(
            [
                said(6, "stalkerware|spyware|spy app*|phone spy|mspy|flexispy"),
                together(
                    5,
                    "secret*|covert*|silently|hidden|hide*|stealth|undetect*|discreet*|"
                    "without them knowing|without their knowledge|without telling|"
                    "isn't alarmed|not alarmed|won't notice|never notice|unaware|quietly|"
                    "won't see|won't know|never know|without informing|without notifying|"
                    "without her knowledge|without his knowledge|without her knowing|"
                    "without his knowing|unnoticed|behind their back",
                    "record*|read*|reads|mirror*|track*|location*|messages|calls|call log*|"
                    "camera|microphone|keystroke*|browsing|monitor*|keep an eye|screenshot*|"
                    "chats|personal chats|private messages|webcam|whereabouts|forward*|"
                    "captur*|upload*",
                    within=12,
                    name="covert monitoring",
                ),
                together(
                    5,
                    "partner*|spouse*|wife|husband|girlfriend*|boyfriend*|ex's",
                    "read* messages|reads their messages|read their messages|message mirroring|"
                    "mirror* messages|call log*|record* calls|live location|track* location|"
                    "tracks their location|location tracking|browsing history|keep an eye on|"
                    "their phone|'s phone|her phone|his phone|location sharing|her location|"
                    "his location|whereabouts|wherever she goes|wherever he goes",
                    within=15,
                    name="monitoring a partner",
                ),
                said(3, "screenshot every|screenshots every|keystroke logging|keylogging"),
                together(
                    3,
                    "employee*|teen*|teenager*|child*|kid|kids",
                    "read* messages|message mirroring|call log*|record* calls|live location|"
                    "track* location|browsing history|keep an eye on|their phone",
                    within=15,
                ),
                together(
                    5,
                    "face*|facial|biometric*|faceprint*",
                    "match*|identif*|recogni*|database|look* up|search*",
                    within=10,
                    name="face identification",
                ),
                together(
                    5,
                    "scrap*|harvest*|crawl*",
                    "photos|profile photos|images|faces|selfies",
                    within=8,
                    name="scraped faces",
                ),
                together(
                    3,
                    "photo of|picture of|photo*|face*|selfie*",
                    "stranger*|anyone|any person|anybody|passers-by|on the street|shoppers|"
                    "every shopper|crowd*|people walk|in public",
                    within=12,
                ),
                together(
                    5,
                    "photo*|picture*|image*|face*|selfie*",
                    "their name|who they are|social profiles|home area|where they live|"
                    "home address|identify them",
                    within=20,
                    name="photo to identity",
                ),
                said(
                    3,
                    "real-time face|real time face|facial recognition in public|"
                    "face recognition in public",
                ),
                said(2, "face recognition|facial recognition|biometric identification"),
            ],
            [
                CONSENT,
                OWN_STAFF,
                said(3, "blur*|redact*|anonymi*|pixelat*|mask*|crop*|no identification", near=10),
            ],
        ),
    ),
    (
        "social-scoring-predictive-policing",
        "Social scoring and predictive policing",
        "Scoring trustworthiness; predicting an individual's criminality.",
        rules(
            [
                said(
                    6,
                    "social credit|social score*|social scoring|citizen score*|trust index|"
                    "trustworthiness score*|citizen trust|pre-crime|precrime|predictive policing|"
                    "likely to reoffend|criminal propensity|future offender*",
                ),
                together(
                    6,
                    "predict*|forecast*|identify|score*|flag*|estimat*|likely",
                    "commit a crime|commit crime*|commit offen*|reoffend*|criminality|"
                    "future crime*|crime risk|likely criminals|gang member*",
                    within=10,
                    name="predicting criminality",
                ),
                together(
                    3,
                    "score|scores|scoring|index|rating|rank*",
                    "citizens|residents|social media behaviour|social connections|"
                    "neighbours' reports|trustworthiness",
                    within=15,
                ),
                together(
                    5,
                    "score|scores|scoring|rating|index|single number",
                    "social media|friends list*|online behaviour|online behavior|"
                    "social connections|who they know|neighbours' reports|anonymous reports|"
                    "coworkers' reports|badge swipes|slack activity|behaviour|behavior|"
                    "friendships|relatives|neighbourhood|neighborhood|associates|associations",
                    "tenant*|applicant*|citizen*|resident*|employee*|candidate*|people|"
                    "individual*|person's|borrower*",
                    within=20,
                    name="scoring people from their social life",
                ),
                together(
                    6,
                    "predict*|forecast*|identify|score*|flag*|estimat*|likely|risk score*",
                    "commit|will commit|likely to commit",
                    "crime*|vandalism|violence|offen*|theft|burglar*|assault|robbery|criminal*",
                    within=12,
                    name="predicting who will offend",
                ),
                said(
                    6,
                    "potential offenders|likely offenders|potential criminals|"
                    "future criminals|gang affiliat*|heat list*|strategic subject list",
                ),
                said(5, "trustworthiness"),
                said(
                    3,
                    "reliability score*|trust score* of people|character score*|"
                    "citizenship score*|behaviour score*|behavior score*",
                ),
                said(2, "preemptive*|pre-emptive*|visit them"),
            ]
        ),
    ),
    (
        "emotion-inference-work-school",
        "Emotion recognition at work or school",
        "Reading emotions of employees or students.",
        rules(
            [
                together(
                    6,
                    "detect*|analys*|analyz*|track*|monitor*|scor*|measur*|read*|infer*|"
                    "recogni*|webcam*|camera*|facial|voice analytic*|voice analysis|flag*",
                    "emotion*|emotional state*|mood*|sentiment|feeling*|frustrat*|bored*|"
                    "boredom|anxious|anxiety|stress*|disengage*|engagement|attention|"
                    "attentive*|focus*|facial expression*|micro-expression*|microexpression*|"
                    "tone of voice|honesty|enthusiasm|nervous*|truthful*|lying|deception|"
                    "anger|angry|upset|sadness|happiness|fear|confus*",
                    "employee*|staff|worker*|agents|call-centre agents|call center agents|"
                    "candidate*|interview*|applicant*|job seekers|supervisor*|pickers|"
                    "warehouse workers|warehouse staff|drivers|nurses|crew|cashiers|"
                    "student*|pupil*|learners|classroom|lesson*|meeting*|video calls|"
                    "performance review*|managers|teacher*|shift*",
                    within=15,
                    name="reading emotions of workers or students",
                ),
                said(
                    3,
                    "emotion recognition|emotion detection|emotion ai|affect recognition|"
                    "mood scoring|facial expression analysis",
                ),
            ],
            [
                said(2, "anonymous|anonymi*|aggregate*|no individual|self-reported|voluntar*"),
            ],
        ),
    ),
    (
        "manipulation-of-vulnerable",
        "Manipulation of vulnerable people",
        "Exploiting age, disability, distress or poverty; manipulative design.",
        rules(
            [
                together(
                    6,
                    "target*|exploit*|prey*|aimed at|push*|pressure*|nudge*|upsell*",
                    "elderly|seniors|dementia|alzheimer*|cognitive decline|disabilit*|"
                    "disabled|in debt|heavy debt|financial distress|desperate|grieving|"
                    "lonely|addicts|addiction|vulnerable",
                    within=12,
                    name="targeting vulnerable people",
                ),
                together(
                    6,
                    "child|children|kid|kids|kid's|players",
                    "sad|lonely|guilt*|pleading|beg*|cry|upset|disappoint*",
                    "buy*|buys|purchas*|gems|coins|spend*|in-app",
                    within=20,
                    name="guilt-tripping children into paying",
                ),
                together(
                    6,
                    "financial distress|in distress|distressed|desperate|vulnerable|lonely|"
                    "grieving|late at night|low mood|depressed",
                    "countdown timer*|guilt*|urgency|push* them|pressure*|"
                    "before they change their mind|scarcity",
                    within=25,
                    name="pressure at a vulnerable moment",
                ),
                together(
                    6,
                    "depression|anxiety|dementia|grief|grieving|bipolar|mental illness|"
                    "addiction|gambling problem*|financial distress|in debt|lonely|elderly|"
                    "disabilit*",
                    "most likely to pay|likely to pay|more likely to buy|more often|"
                    "late at night|at their lowest|when they are weakest|more vulnerable|"
                    "easier to persuade|easiest to persuade",
                    "pay|buy|purchas*|sign|sales|upsell*|collect*|debt collection|spend*|"
                    "conversion*",
                    within=25,
                    name="reaching people at their weakest",
                ),
                together(
                    6,
                    "detect*|identif*|spot*|flag*|target*",
                    "elderly|seniors|dementia|disabled|vulnerable|older users|confused users|"
                    "gambling addiction|addiction|addicts|problem gambling|signs of addiction",
                    "confus*|extra steps|pressure*|upsell*|push*|harder|give up|urgency|guilt*|"
                    "bonus*|free bonuses|offers|incentive*|try to stop|try to quit|"
                    "keep playing",
                    within=20,
                    name="singling out vulnerable users",
                ),
                said(
                    5,
                    "give up cancelling|give up canceling|hard to cancel|harder to cancel|"
                    "confusing extra steps|roach motel",
                ),
                said(
                    5,
                    "exploiting their|exploit their|prey on|preying on|dark pattern*|"
                    "confirmshaming",
                ),
                said(
                    3,
                    "high-pressure|high pressure|guilt-trip*|guilt trip*|fake urgency|"
                    "false urgency|countdown timer*|before they change their mind",
                ),
            ],
            [
                said(
                    2,
                    "cooling-off|cooling off|accessibility|assistive|caregiver*|hardship team|"
                    "debt advice",
                ),
                said(3, "offer help|signpost*|refer* to|support services|pause*", near=10),
            ],
        ),
    ),
    (
        "restricted-industries",
        "Restricted industries",
        "Real-money gambling, payday lending, multi-level marketing, illicit drugs, sexual "
        "services.",
        rules(
            [
                said(
                    5,
                    "real-money|real money gambling|online casino|casino|sportsbook|"
                    "sports betting|betting tips|place bets|slot machine*|online slots|"
                    "slots and bets|poker room|bookmaker*|accumulator bet*|parlay*|wager*|"
                    "deposit bonus*|high roller*|gambling|gamble*|slot game*|crash game*|"
                    "roulette|blackjack|betting|igaming|i-gaming|deposit codes",
                ),
                said(
                    5,
                    "payday loan*|payday lend*|until payday|cash advance*|title loan*|"
                    "loan shark*|roll the loan over|roll it over|rollover loan*",
                ),
                said(
                    3,
                    "short-term loan*|short term loan*|small-dollar loan*|until the next payout|"
                    "until next payout|until next payday|until your next paycheck|"
                    "until the next paycheck",
                ),
                said(
                    3, "renewed automatically unless repaid|auto-renew* unless|roll* over|rollover"
                ),
                said(
                    5,
                    "downline|upline|multi-level marketing|multi level marketing|mlm|"
                    "network marketing",
                ),
                together(
                    6,
                    "sell*|ship*|buy*|order*|deliver*|choose|shop|store|source*",
                    "psilocybin|mdma|cocaine|heroin|meth|methamphetamine|lsd|ketamine|fentanyl|"
                    "research chemicals|party supplies|illegal drugs|illicit drugs|darknet|"
                    "oxycodone|oxy|xanax|opioid*|adderall|tramadol|benzos|benzodiazepine*",
                    within=15,
                    name="selling drugs",
                ),
                said(5, "escort service*|escorts|sexual services|erotic massage|happy ending*"),
                together(
                    6,
                    "without a prescription|without prescription|no prescription|"
                    "prescription-free|no rx",
                    "oxycodone|oxy|xanax|opioid*|adderall|tramadol|benzos|benzodiazepine*|"
                    "fentanyl|ketamine|controlled",
                    within=10,
                ),
                together(
                    6,
                    "no age verification|without age verification|no age check*|"
                    "without age check*|any age|no id check*|without id check*|"
                    "minors can buy|under 18|underage buyers",
                    "vape*|vaping|cannabis|edibles|alcohol|tobacco|nicotine|weed|thc|kratom|"
                    "psilocybin|knives|fireworks|gambling|betting",
                    within=20,
                    name="age-restricted goods without age checks",
                ),
                said(
                    3,
                    "stealth packaging|stealth shipping|discreet shipping|without id check*|"
                    "no id check*|research chemicals|psilocybin|income claims|next rank|bets",
                ),
                together(
                    3,
                    "recruit*",
                    "friends and family|downline|distributors|team members",
                    within=10,
                ),
                said(1, "apr|distributor*|odds"),
            ],
            [
                said(
                    2,
                    "responsible gambling|self-exclusion|problem gambling|harm reduction|"
                    "addiction treatment|clinical trial*|licensed pharmacy|prescription*",
                ),
                said(
                    3,
                    "detect*|block*|flag*|moderat*|remove*|screen* out|problem gambling|"
                    "gambling addiction|self-exclusion|quit*|stop gambling|recovery|"
                    "gamblers anonymous",
                    near=8,
                ),
            ],
        ),
    ),
    (
        "academic-dishonesty",
        "Academic dishonesty",
        "Essay mills, contract cheating, evading plagiarism detection.",
        rules(
            [
                together(
                    6,
                    "turns|turn|convert*|transform*|rewrit*",
                    "gptzero|ai detector*|turnitin|0 ai|zero percent ai|originality",
                    within=15,
                    name="laundering text past detectors",
                ),
                said(
                    6,
                    "essay mill*|contract cheating|essay writing service*|do my homework|"
                    "take my exam|take my class|bypass turnitin|beat turnitin|avoid turnitin|"
                    "ai humanizer|ai humaniser|submission-ready|submit-ready",
                ),
                together(
                    6,
                    "humaniz*|humanis*|rewrit*|paraphras*|spin*|reword*|passes|pass|evad*|"
                    "bypass*|beat",
                    "ai detector*|ai detection|turnitin|plagiarism check*|plagiarism detect*|"
                    "gptzero|originality check*",
                    within=12,
                    name="evading plagiarism checks",
                ),
                together(
                    6,
                    "write*|writes|writing|complete*|ghostwrit*|to order",
                    "essays|dissertation*|coursework|assignments|homework|theses|thesis",
                    "for a fee|for money|to order|hand the work in|submit* as their own|"
                    "as their own|per page|paid",
                    within=20,
                    name="writing work for students",
                ),
                together(
                    6,
                    "during the exam|during exams|during proctored|during an exam|"
                    "during online exams|in the exam|mid-exam|while taking|live exam*|"
                    "while students take|while they take|during tests|during online tests|"
                    "during the test",
                    "answer*|solution*",
                    within=30,
                    name="answers during an exam",
                ),
                together(
                    5,
                    "proctor*|exam*",
                    "undetect*|discreet*|secretly|without being caught|"
                    "without the proctor|hide*|hides|hidden|invisible|bypass*|evad*|fool*|"
                    "get around",
                    within=25,
                    name="beating exam supervision",
                ),
                together(
                    6,
                    "complete*|write*|writes|produce*|generat*|finished",
                    "lab reports|take-home exam*|assignments|homework|coursework|essays|"
                    "dissertation*|thesis|theses|problem sets",
                    "writing style|own style|own voice|can't tell|cannot tell|won't notice|"
                    "won't know|never know|undetect*|as their own|didn't write|did not write|"
                    "hand it in|hand them in|0 ai",
                    within=25,
                    name="work passed off as the student's",
                ),
                said(5, "take-home exam answers|answers to take-home exam*"),
                said(3, "as their own|as his own|as her own|guarantee a pass|guaranteed pass"),
            ],
            [
                said(
                    3,
                    "flag* possible cheating|flags possible cheating|detect* cheating|"
                    "detect* plagiarism|academic integrity|integrity team|proctor to review",
                    near=12,
                ),
            ],
        ),
    ),
    (
        "unsupervised-consequential-decisions",
        "Fully automated consequential decisions",
        "Fully automated adverse decisions about people (credit, housing, jobs, benefits) with no "
        "human review.",
        rules(
            [
                together(
                    6,
                    "no human review|no manual review|without human review|"
                    "without manual review|no human oversight|without human oversight|"
                    "no human in the loop|no human involvement|no one reviews|"
                    "nobody reviews|no human checks|without any human|no human|no adjuster|"
                    "no underwriter|no recruiter|no caseworker|no person|no one looks|"
                    "nobody looks|no staff|the decision is final|decision is final|"
                    "decisions are final|no appeal|cannot be appealed|no right to appeal",
                    "loan*|credit|lending|mortgage*|rental application*|tenant*|tenancy|"
                    "applicant*|candidate*|cv|cvs|hiring|job applicant*|welfare|"
                    "benefit claim*|benefit payment*|claimant*|insurance claim*|admission*|"
                    "parole|bail|visa*|asylum|dismissal*|rejection*|declined|denied|denial*|"
                    "deactivat*|claims|claim",
                    within=30,
                    name="no human review of decisions about people",
                ),
                together(
                    5,
                    "deactivat*|suspend*|terminat*|fired|dismiss*|banned|evict*|denied|"
                    "cut off|rejected|declined",
                    "on the spot|immediately|instantly|automatically|without review|"
                    "without warning",
                    "drivers|workers|employees|tenants|claimants|applicants|couriers|staff|"
                    "contractors|freelancers|riders|candidates|students|patients|recipients|"
                    "borrowers|claims",
                    within=15,
                    name="adverse action at once",
                ),
                together(
                    5,
                    "fully automated|fully automatic|zero-touch|zero touch|human-free|"
                    "straight-through|hands-off|lights-out",
                    "loan*|credit|lending|mortgage*|rental application*|tenant*|tenancy|"
                    "applicant*|candidate*|cv|cvs|hiring|job applicant*|welfare|"
                    "benefit claim*|benefit payment*|claimant*|insurance claim*|admission*|"
                    "parole|bail|visa*|asylum|dismissal*",
                    within=25,
                    name="fully automated decisions about people",
                ),
                together(
                    3,
                    "automatically approv*|automatically den*|automatically reject*|"
                    "automatically declin*|auto-reject*|auto-approv*|auto-den*|"
                    "denied automatically|rejected automatically|declined automatically|"
                    "accept or reject|approve or deny|approve or decline|approves or denies|"
                    "auto-declin*|automated rejection*|sends rejection*|rejection email*|"
                    "model decides|the model decides|model's score|decided by the model|"
                    "automatically stop*|automatically suspend*|system stops|stops their|"
                    "suspends their|cut off their",
                    "loan*|credit|lending|mortgage*|rental application*|tenant*|tenancy|"
                    "applicant*|candidate*|cv|cvs|hiring|welfare|benefit*|payments|claimant*|"
                    "insurance claim*|admission*|visa*|asylum",
                    within=25,
                    name="automated adverse decision",
                ),
                together(
                    5,
                    "stops|stop|suspend*|cut off|cancel*|terminat*|freez*",
                    "welfare|benefit*|pension*|allowance*|unemployment",
                    "immediately|automatically|instantly|without review|right away",
                    within=10,
                    name="benefits stopped at once",
                ),
                said(
                    2,
                    "appeals are handled|appeal afterwards|appeals afterwards|"
                    "only ever see the shortlist|only see the shortlist|frictionless credit",
                ),
            ],
            [
                HUMAN_REVIEW,
                HUMAN_DECIDES,
            ],
        ),
    ),
]

SCRUTINY_DOMAINS = [
    (
        "medical-health",
        "Medical and health",
        "Diagnosis, treatment, patient care, therapy.",
        "A qualified clinician reviews outputs; AI use disclosed.",
        rules(
            [
                said(
                    3,
                    "patient|patients|patient's|clinic|clinics|clinical|clinician*|diagnos*|"
                    "symptom*|therapy|therapist*|therapeutic|psychotherap*|cbt|counsellor*|"
                    "counselor*|medical|medicine|medication*|prescri*|dosage*|"
                    "drug interaction*|mental health|eating disorder*|icd-10|icd 10|"
                    "health record*|ehr|physician*|radiolog*|x-ray*|mri|ct scan*|fracture*|"
                    "tumour*|tumor*|cancer|oncolog*|patholog*|cardiolog*|dermatolog*|"
                    "psychiatr*|pharmac*|side effects|prescription*|telehealth|telemedicine|"
                    "insulin|diabet*|doses|dosing|glucose|blood sugar|asthma|epilep*|disease*",
                ),
                said(
                    2,
                    "treatment*|doctor*|nurse*|gp|hospital*|emergency room|outpatient*|"
                    "suicide|self-harm",
                ),
            ],
            [
                said(
                    2,
                    "general wellness|wellness app|wellness tips|wellness feature|"
                    "not medical advice|not a medical device",
                ),
            ],
        ),
    ),
    (
        "legal",
        "Legal",
        "Legal advice, decisions with legal effect.",
        "A qualified lawyer reviews outputs; AI use disclosed.",
        rules(
            [
                said(
                    3,
                    "legal advice|lawyer*|attorney*|law firm*|solicitor*|barrister*|paralegal*|"
                    "legal effect|legally binding|contract review|court filing*|litigation|"
                    "lawsuit*|write a will|writing a will|writing their own will|their own will|"
                    "last will|testament|power of attorney|legal document*",
                ),
                said(
                    2,
                    "clause*|redline*|eviction*|deposit dispute*|their rights|legal rights|"
                    "legal documents|court*|divorce|custody|wills",
                ),
                said(1, "contract|contracts"),
            ]
        ),
    ),
    (
        "finance-credit",
        "Finance and credit",
        "Investment advice, lending, creditworthiness.",
        "A licensed professional reviews; a human makes credit decisions.",
        rules(
            [
                said(
                    3,
                    "investment advice|investment recommendation*|etf|etfs|stocks|robo-advis*|"
                    "robo advis*|retail investors|rebalanc*|wealth management|financial advice|"
                    "trading signal*|loan*|lending|lender*|creditworth*|credit score*|"
                    "credit decision*|credit memo*|mortgage*|underwrit*|credit limit*|"
                    "credit card*|credit line*|credit risk",
                ),
                said(2, "portfolio*|investors|credit|borrower*|bank statement*"),
            ]
        ),
    ),
    (
        "insurance",
        "Insurance",
        "Underwriting, claims, pricing.",
        "A human decides; disclosure.",
        rules(
            [
                said(
                    3,
                    "insurance claim*|claims adjuster*|adjuster*|underwrit*|policyholder*|"
                    "actuar*|insurance pricing|insurance polic*|insurer*|claims triage|"
                    "insurance quote*|car insurance|home insurance|life insurance|"
                    "health insurance|insurance broker*",
                ),
                said(2, "insurance|payout*|claims"),
            ]
        ),
    ),
    (
        "employment-housing",
        "Employment and housing",
        "Hiring, worker management, tenancy and housing eligibility.",
        "A human makes the final call; no protected attributes.",
        rules(
            [
                said(
                    3,
                    "hiring decision*|hiring funnel|hiring process|recruiter*|recruiting|"
                    "job applicant*|candidates|résumé*|shortlist*|performance review*|"
                    "worker management|workforce management|employee monitoring|layoff*|"
                    "tenant*|tenancy|rental application*|landlord*|housing eligibility|"
                    "property manager*",
                ),
                said(
                    2, "hiring|recruit*|applicant*|applicants|interview*|promotion*|lease*|cv|cvs"
                ),
            ]
        ),
    ),
    (
        "education-assessment",
        "Education and assessment",
        "Admissions, grading, proctoring, certification.",
        "A professional reviews results.",
        rules(
            [
                said(
                    3,
                    "grading|proctor*|exam proctoring|admissions|certification exam*|"
                    "student assessment*|assess* students|placement test*|marking",
                ),
                said(2, "grade|grades|graded|rubric*|exam|exams|certification"),
            ]
        ),
    ),
    (
        "journalism-auto-publish",
        "Automatic publication",
        "Content published to the public automatically.",
        "An editor reviews before publication; AI disclosed.",
        rules(
            [
                said(
                    5,
                    "auto-publish*|autopublish*|automatic publishing|automatically publish*|"
                    "publishes automatically|published automatically|posts automatically|"
                    "automatically posts|without editorial review",
                ),
                together(
                    5,
                    "publish*|publication|post|posts|posted|goes live|go live|pushes to|"
                    "pushed to|tweets",
                    "without review|without an editor|no editor|no editorial|no human editor|"
                    "without editorial|unreviewed|unedited|without human review|no review",
                    within=20,
                    name="published without review",
                ),
                together(
                    5,
                    "publish*|posts to|post to|posted to|posts it|goes live|go live|"
                    "pushes to|pushed to|tweets",
                    "automatically|automatic|straight to",
                    within=8,
                    name="published automatically",
                ),
            ]
        ),
    ),
    (
        "public-benefits-services",
        "Public benefits and services",
        "Benefit eligibility, essential public services, emergency triage.",
        "A human caseworker decides.",
        rules(
            [
                said(
                    3,
                    "benefit eligibility|eligibility for benefits|welfare|social security|"
                    "unemployment benefit*|housing benefit*|food stamps|medicaid|"
                    "public assistance|caseworker*|case worker*|benefit office|benefits office|"
                    "benefit application*|claimant*|911|999|emergency call*|dispatcher*|"
                    "emergency triage|emergency services|social services",
                ),
                said(1, "eligibility|emergenc*"),
            ]
        ),
    ),
    (
        "law-enforcement-justice-migration",
        "Law enforcement, justice and migration",
        "Evidence, risk profiling, asylum and visas, court support.",
        "Back-office support only.",
        rules(
            [
                said(
                    3,
                    "police|policing|law enforcement|body-camera|bodycam*|body camera*|"
                    "incident report*|forensic*|criminal record*|sentencing|parole|probation|"
                    "prosecut*|asylum|immigration|border control|deportation|judges",
                ),
                said(2, "officers|visa|visas|evidence|suspects|court|courts|bail"),
            ]
        ),
    ),
    (
        "critical-infrastructure",
        "Critical infrastructure",
        "Energy, water, transport, safety components.",
        "Advisory only; a human operator stays in control.",
        rules(
            [
                said(
                    3,
                    "scada|industrial control*|control system*|power grid|electricity grid|"
                    "substation*|water utilit*|water treatment|wastewater|pumping station*|"
                    "pump station*|nuclear plant*|power plant*|energy grid|gas pipeline*|"
                    "oil pipeline*|railway*|rail network*|traffic controller*|signalling|"
                    "railway signal*|traffic control|air traffic|"
                    "safety component*|safety-critical|modbus|dnp3|grid operator*",
                ),
                said(2, "plc|plcs|utility|utilities"),
            ]
        ),
    ),
    (
        "national-security",
        "National security",
        "Intelligence, defence.",
        "Case-by-case.",
        rules(
            [
                said(
                    3,
                    "intelligence agenc*|intelligence report*|open-source intelligence|osint|"
                    "sigint|humint|military|defence ministry|defense ministry|"
                    "ministry of defence|department of defense|armed forces|defence contractor*|"
                    "defense contractor*|national security|counterintelligence|battlefield|"
                    "signals intelligence|intercepted communications|intercepted|"
                    "foreign intelligence|intelligence unit|intelligence service*|spy agenc*|"
                    "warfare",
                ),
                said(2, "defence|defense|classified"),
            ]
        ),
    ),
    (
        "minors-facing",
        "Products for minors",
        "Products used by children or teens.",
        "Age assurance, child-safety compliance, extra moderation.",
        rules(
            [
                said(
                    3,
                    "children|kids|teens|teenagers|minors|schoolchildren|pupils|k-12|under 13|"
                    "under 18",
                ),
                said(
                    2,
                    "child|kid|kid's|teen|teenager|youth|young people|high school*|"
                    "high-school*|middle school*|primary school*|elementary school*",
                ),
                together(3, "aged|ages|age", "8|9|10|11|12|13|14|15|16|17|under", within=3),
            ],
            [
                said(2, "for adults|adult users|adults only|18+"),
            ],
        ),
    ),
    (
        "consumer-chatbots-agents",
        "Consumer chatbots and agents",
        "Public chatbots, personas, autonomous agents.",
        "Disclose AI at session start; human confirmation for consequential actions.",
        rules(
            [
                together(
                    3,
                    "chatbot*|chat bot*|assistant|bot|companion|persona*|agent",
                    "public|public-facing|customer-facing|consumers|website visitors|"
                    "website|web site|online store|storefront|on our site|our app's users|"
                    "app users|shoppers|travellers|travelers|passengers|guests|the public|"
                    "members of the public",
                    within=6,
                    name="public chatbot",
                ),
                together(
                    3,
                    "can book|can rebook|can cancel|can change|can place|can issue|"
                    "can refund|can transfer|can pay|can purchase|can order|takes actions",
                    "customer*|traveller*|traveler*|passenger*|users|guests|shoppers|"
                    "patients|behalf",
                    within=10,
                    name="agent acting for customers",
                ),
                said(
                    3,
                    "on the customer's behalf|on behalf of the customer|on behalf of customers|"
                    "on the user's behalf|on behalf of users|on their behalf|autonomous agent*|"
                    "ai agent*|agentic|companion app*|ai companion*|virtual companion*|"
                    "ai girlfriend|ai boyfriend|public chatbot",
                ),
                said(1, "issue refunds|place orders|make purchases|chatbot"),
            ]
        ),
    ),
    (
        "synthetic-likeness-voice",
        "Synthetic likeness and voice",
        "Voice cloning, likeness of real people.",
        "Consent of the person; disclose synthetic media.",
        rules(
            [
                together(
                    5,
                    "clon*|synthesi*|replicat*|deepfake*|digital double*|digital twin*|"
                    "recreat*|mimic*",
                    "voice|voices|likeness*|face|their face|real person|actor*|actress*|"
                    "celebrit*|narrator*",
                    within=6,
                    name="cloning a real person",
                ),
                said(
                    3,
                    "voice clon*|voice-clon*|deepfake*|face swap*|faceswap*|lip-sync*|"
                    "lip sync*|likeness|digital double*|in her voice|in his voice|"
                    "actors' own voices|actors' voices|original actors|original voices",
                ),
                said(2, "own voices|their own voice|in the voice of|dubbing|dubs"),
            ]
        ),
    ),
]

DOMAINS: list[dict] = [
    {
        "slug": slug,
        "name": name,
        "kind": "prohibited",
        "description": description,
        "typical_conditions": "",
        "rules": domain_rules,
    }
    for slug, name, description, domain_rules in PROHIBITED_DOMAINS
] + [
    {
        "slug": slug,
        "name": name,
        "kind": "extra_scrutiny",
        "description": description,
        "typical_conditions": conditions,
        "rules": domain_rules,
    }
    for slug, name, description, conditions, domain_rules in SCRUTINY_DOMAINS
]
