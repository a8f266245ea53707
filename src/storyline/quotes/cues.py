"""Attribution cues and source vocabularies, per language (en, hi, es, fr, de).

Everything the extractor and the conflict finder know about language lives here, as plain
word lists compiled into regular expressions once at import time:

* **speech verbs** ("said", "a déclaré", "afirmó", "sagte", Hindi "कहा"/"बताया" after
  ``ने``) — a claim's source is the noun phrase before the verb (or after it, inverted);
* **bare verbs**, the English speech verbs that may take a clause without "that"
  ("Mehra said his firm would…"); every other verb needs "that"/"que"/"dass"/"कि" or a quote;
* **according-to** markers ("according to", "según", "selon", "d'après", "nach Angaben",
  "laut", Hindi "के मुताबिक"/"के अनुसार");
* **naming** verbs that attach a short quote to the sentence's subject ("called the tie-up
  “…”", "dénonce « … »", Hindi "… "…" करार दिया");
* **source heads**: nouns that make a source anonymous ("sources", "a senior leader",
  "fuentes", "l'entourage", "der Behörden", "सूत्रों", "अधिकारी"), titles that stand in for a
  named person ("the chief minister", "प्रधानमंत्री"), pronouns, and definite anaphors
  ("the source", "the leader") that point back to an earlier anonymous source.
"""

from __future__ import annotations

import regex


def words(block: str) -> list[str]:
    """The whitespace-separated words of a word-list block."""
    return block.split()


# --------------------------------------------------------------------------- speech verbs

_EN_SPEECH = """
said says say told tells added adds stated claimed claims asserted asserts alleged
alleges announced announces explained explains noted insisted insists argued argues
maintained maintains tweeted wrote writes posted revealed reveals admitted admits confirmed
confirms denied denies warned warns stressed stresses observed remarked replied declared
declares informed reiterated reiterates recalled acknowledged acknowledges conceded concedes
suggested suggests indicated indicates hinted believes believe believed thinks think felt feels
estimated estimates predicted predicts promised vowed assured clarified complained lamented
countered contended emphasised emphasized underlined disclosed reported asked urged joked
quipped announced mentioned agreed saying adding claiming stating noting insisting arguing
warning alleging asserting explaining stressing maintaining declaring
"""
_EN_MULTI = [
    "pointed out",
    "points out",
    "went on to say",
    "made it clear",
    "has said",
    "said in a statement",
]
# speech verbs that may introduce a clause without "that" ("X said the toll could rise")
BARE_VERBS = frozenset(
    words(
        """
    said says say added adds told tells claimed alleged alleges insisted insists argued
    argues maintained maintains warned warns stressed felt feels believed believes thinks
    estimated estimates predicted predicts asserted asserts contended
    """
    )
)
# participles take the subject of the main clause ("…, saying that …")
PARTICIPLES = frozenset(
    words(
        """
    saying adding claiming stating noting insisting arguing warning alleging asserting
    explaining stressing maintaining declaring affirmant ajoutant expliquant précisant
    soulignant estimant añadiendo afirmando asegurando explicando señalando
    """
    )
)
# English participles that may take a clause without "that" ("…, adding this will help")
BARE_PARTICIPLES = frozenset(
    words("saying adding claiming alleging insisting asserting")
)
# opinion verbs: only with an explicit complementiser ("Analysts believe that …")
_EN_OPINION = frozenset(["believes", "believe", "believed", "thinks", "think", "felt", "feels"])

_ES_SPEECH = """
confirmar decir anunciar afirmar explicar asegurar
añadiendo afirmando asegurando explicando señalando
dijo dice dicen afirmó afirma afirman aseguró asegura aseguran declaró declara explicó explica
anunció anuncia señaló señala indicó indica añadió añade agregó advirtió advierte lamentó
lamentaba manifestó sostuvo sostiene reconoció reconoce subrayó destacó precisó insistió
confirmó confirma negó niega denunció denuncia consideran considera prevén prevé creen cree
estima estiman opinan opina atribuyen atribuye apuntó recordó expresó admitió comentó
"""
_FR_SPEECH = """
déclaré affirmé confié indiqué expliqué annoncé ajouté assuré estimé souligné précisé reconnu
dénoncé martelé promis averti rappelé insisté répondu démenti nié jugé regretté prévenu
raconté lancé confirmé
"""
_FR_PRESENT = """
confirmer annoncer affirmer expliquer préciser
affirmant ajoutant expliquant précisant soulignant estimant
affirme affirment déclare déclarent estime estiment explique expliquent indique indiquent
précise précisent souligne soulignent assure assurent ajoute ajoutent dénonce dénoncent
confie reconnaît juge jugent rappelle prévient dément nie
"""
_DE_SPEECH = """
sagte sagten sagt erklärte erklärten erklärt betonte betont meinte meint warnte warnt
berichtete berichtet bestätigte bestätigt kritisierte kritisiert versicherte versprach
räumte kündigte hieß teilte
"""
_HI_SPEECH = [
    "कहा",
    "बताया",
    "दावा किया",
    "आरोप लगाया",
    "स्पष्ट किया",
    "स्पष्ट कर दिया",
    "साफ किया",
    "साफ कर दिया",
    "जानकारी दी",
    "पुष्टि की",
    "घोषणा की",
    "ट्वीट किया",
    "लिखा",
    "दोहराया",
    "चेतावनी दी",
    "खंडन किया",
    "इनकार किया",
    "आश्वासन दिया",
    "भरोसा दिलाया",
    "माना",
    "करार दिया",
    "जोड़ा",
]
_HI_TENSE = r"(?:\s+(?:था|थी|थे|है|हैं|गया|गई|गए))*"

_ES_MULTI = [
    "ha dicho",
    "ha afirmado",
    "ha asegurado",
    "ha declarado",
    "ha explicado",
    "ha señalado",
]
_DE_MULTI = ["teilte mit", "fügte hinzu", "kündigte an", "räumte ein"]


def _alt(words: list[str]) -> str:
    return "|".join(
        sorted((regex.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    )


_EN_VERBS = sorted(set(_EN_SPEECH.split()))
SPEECH: dict[str, regex.Pattern[str]] = {
    "en": regex.compile(rf"\b(?:{_alt(_EN_MULTI + _EN_VERBS)})\b", regex.I),
    "es": regex.compile(rf"\b(?:{_alt(_ES_MULTI + _ES_SPEECH.split())})\b", regex.I),
    "fr": regex.compile(
        rf"\b(?:(?:a|ont|avait|avaient)(?:-t-(?:il|elle|ils|elles))?\s+(?:{_alt(_FR_SPEECH.split())})e?s?"
        rf"|s['’]est\s+(?:réjoui|félicité|exclamé|inquiété|défendu)e?"
        rf"|(?:{_alt(_FR_PRESENT.split())})(?:-t-(?:il|elle))?)(?![\p{{L}}])",
        regex.I,
    ),
    "de": regex.compile(rf"\b(?:{_alt(_DE_MULTI + _DE_SPEECH.split())})\b", regex.I),
}
# Hindi: "<source> ने <up to 8 words> <verb> [था/है…] [कि]"; fused agent pronouns carry ने.
HI_AGENT_PRONOUNS = frozenset(
    ["उन्होंने", "इन्होंने", "जिन्होंने", "मैंने", "हमने", "आपने", "उसने", "इसने", "जिसने"]
)
HI_SPEECH = regex.compile(
    rf"(?<![\p{{L}}\p{{M}}])(?:{_alt(_HI_SPEECH)}){_HI_TENSE}(?![\p{{L}}\p{{M}}])"
)
HI_KA_HAI = regex.compile(
    r"(?<![\p{L}\p{M}])(?:का|की|के)\s+(?:कहना|मानना|दावा|आरोप|तर्क)\s+(?:है|था|थी|हैं)(?![\p{L}\p{M}])"
)
# "इसकी जानकारी दी": the claim is the previous sentence
HI_ANAPHORIC = regex.compile(
    r"(?:इसकी|इस\s+बात\s+की|यह|ये)\s+(?:जानकारी\s+दी|पुष्टि\s+की|बात\s+कही|बात\s+बताई)"
)

# complementisers ("that")
THAT: dict[str, regex.Pattern[str]] = {
    "en": regex.compile(r"\bthat\b", regex.I),
    "es": regex.compile(r"\b(?:de\s+)?que\b", regex.I),
    "fr": regex.compile(r"\bqu(?:e\b|['’])", regex.I),
    "de": regex.compile(r"\bdass\b", regex.I),
    "hi": regex.compile(r"(?<![\p{L}\p{M}])कि(?![\p{L}\p{M}])"),
}

# --------------------------------------------------------------------------- according to

ACCORDING: dict[str, regex.Pattern[str]] = {
    "en": regex.compile(r"\b(?:according\s+to|as\s+per)\b", regex.I),
    "es": regex.compile(r"\b(?:según|de\s+acuerdo\s+con|citando\s+a)\b", regex.I),
    "fr": regex.compile(r"\b(?:selon|d['’]après)(?![\p{L}])", regex.I),
    "de": regex.compile(r"\b(?:nach\s+Angaben|laut|zufolge|wie\s+.{1,60}?\s+mitteilte)\b", regex.I),
    "hi": regex.compile(r"(?<![\p{L}\p{M}])के\s+(?:मुताबिक|अनुसार|हवाले\s+से)(?![\p{L}\p{M}])"),
}
# heads that make "according to X" a non-source ("según el acuerdo", "according to the plan")
NON_SOURCE_HEADS = frozenset(
    words(
        """
    agreement plan plans schedule rules law data figures census estimate estimates forecast
    forecasts acuerdo plan previsto lo calendario ley datos cifras accord loi données
    chiffres prévisions plan plans योजना नियम आंकड़ों आंकड़े
    """
    )
)

# --------------------------------------------------------------------------- naming

# accusations: "accused the Centre of wasting time" (the rest is the subject's claim)
ACCUSE_VERBS = frozenset(
    words(
        """
    accused accuses accusing blamed blames blaming criticised criticized criticises
    criticizes slammed slams faulted acusó acusa acusan accuse accusé accusent
    """
    )
)
NAMING: dict[str, regex.Pattern[str]] = {
    "en": regex.compile(
        r"\b(?:called|calling|calls|termed|terming|terms|dubbed|dubbing|branded|described|"
        r"describing|slammed|slams|hailed|appealed|appealing|appeals|accused|accuses|accusing|"
        r"blamed|blames|blaming|criticised|criticized|criticises|criticizes|faulted)\b",
        regex.I,
    ),
    "es": regex.compile(
        r"\b(?:calificó|califica|tildó|llamó|denunció|denuncia|describió|acusó|acusa|acusan)\b",
        regex.I,
    ),
    "fr": regex.compile(
        r"\b(?:dénonce|dénoncé|qualifie|qualifié|qualifiant|appelle|traite|accuse|accusé|"
        r"accusent)\b",
        regex.I,
    ),
    "de": regex.compile(r"\b(?:nannte|nennt|bezeichnete|bezeichnet|kritisierte)\b", regex.I),
}

# --------------------------------------------------------------------------- source heads

ANON_HEADS: frozenset[str] = frozenset(
    words(
        """
    source sources official officials functionary functionaries insider insiders aide aides
    cops policemen
    people person persons leader leaders member members spokesperson spokesman spokeswoman
    analyst analysts expert experts observer observers authorities authority
    organisers organizers reports report residents witnesses villagers
    colleagues associates confidants camp insider diplomats diplomat investigators fuente
    fuentes responsable responsables portavoz autoridades analistas expertos meteorólogos
    vecinos testigos organizadores observadores allegados source sources responsable
    responsables entourage proches porte-parole autorités analystes experts observateurs
    opposition organisateurs témoins habitants Quelle Quellen Kreise Kreisen Behörden
    Behörde Sprecher Sprecherin Experten Beobachter Regierungskreisen Insider
    Anwohner Augenzeugen सूत्र सूत्रों अधिकारी अधिकारियों नेता नेताओं पदाधिकारी पदाधिकारियों
    विश्लेषक विश्लेषकों आयोजक आयोजकों लोग लोगों करीबी करीबियों जानकार जानकारों विशेषज्ञ
    विशेषज्ञों सदस्य सदस्यों कार्यकर्ता कार्यकर्ताओं कर्मचारी कर्मचारियों
    ग्रामीणों ग्रामीण प्रवक्ता
    """
    )
)
ANON_HEADS_LOWER = frozenset(w.lower() for w in ANON_HEADS)

# sources that are documents, not people ("the report said"): neither named nor anonymous
DOCUMENT_HEADS = frozenset(
    """report reports letter order orders statement study survey advisory guidelines
    notification paper daily document documents petition fir affidavit circular memo
    memorandum release data analysis note tweet post website filing chargesheet judgment
    verdict ruling informe comunicado carta estudio rapport communiqué lettre étude
    Bericht Mitteilung Meldung Studie Medienberichten Berichten
    रिपोर्ट बयान पत्र आदेश अधिसूचना रिसर्च अध्ययन शोध""".lower().split()
)
# institutions named by a definite description ("the court", "the company")
INSTITUTION_HEADS = frozenset(
    words(
        """
    court government company ministry department party organisation organization firm bank
    agency commission committee board council university hospital administration centre
    center tribunal gobierno ministerio ejecutivo gouvernement ministère exécutif regierung
    ministerium bundesregierung polizei policía
    """
    )
)
# the police speak as an institution (an organisation), with or without a determiner
POLICE_HEADS = frozenset(["police", "policía", "polizei", "police", "polizia", "पुलिस"])
# short and long forms of the same role, for finding who holds it ("the CM" → "Chief
# Minister Yogi Adityanath", "सीएम" → "मुख्यमंत्री योगी आदित्यनाथ")
_ROLE_PAIRS = [
    ("cm", "chief minister"), ("pm", "prime minister"), ("dm", "district magistrate"),
    ("sp", "superintendent of police"), ("lg", "lt governor"), ("hod", "head"),
    ("सीएम", "मुख्यमंत्री"), ("पीएम", "प्रधानमंत्री"), ("डीएम", "जिलाधिकारी"),
]
ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {}
for _a, _b in _ROLE_PAIRS:
    ROLE_SYNONYMS[_a] = (*ROLE_SYNONYMS.get(_a, ()), _b)
    ROLE_SYNONYMS[_b] = (*ROLE_SYNONYMS.get(_b, ()), _a)
# pronouns that stand for a group: never resolved to one person
PLURAL_PRONOUNS = frozenset(["they", "them", "ellos", "ellas", "ils", "elles", "वे"])
# definite descriptions that refer back to an earlier anonymous source
ANAPHOR_HEADS = frozenset(
    """source sources official officials leader functionary insider insiders aide person
    spokesperson spokesman
    fuente responsable portavoz source responsable Quelle Sprecher""".lower().split()
)
DEFINITE = frozenset(
    ["the", "this", "that", "la", "el", "le", "l'", "der", "die", "das", "ce", "cette"]
)

# capitalised words that are never a speaker's name: calendar words, sentence adverbs,
# honorifics written after a name ("Modi ji")
NOT_NAMES = frozenset(
    words(
        """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december moreover however meanwhile
    also besides furthermore notably earlier later today yesterday ji jee sahab saheb
    lunes martes miércoles jueves viernes sábado domingo lundi mardi mercredi jeudi vendredi
    samedi dimanche montag dienstag mittwoch donnerstag freitag samstag sonntag
    """
    )
)
# role titles that may stand alone for a named person ("the chief minister", "प्रधानमंत्री")
TITLE_WORDS = frozenset(
    """mr mrs ms dr prof sh shri smt capt col gen lt maj sir lord president prime minister
    premier chief cm pm secretary general chairman chairperson chairwoman director governor
    mayor senator speaker strategist commissioner captain coach spokesperson leader founder
    ceo chancellor secretary-general mission union home finance foreign defence state
    national interim former deputy senior minister-in-charge mla mp judge justice
    m mme mlle sr sra dña don doña herr frau
    presidente ministro ministra primer jefe jefa directora director portavoz gobernador
    président ministre premier chef directrice directeur porte-parole gouverneur maire
    secrétaire préfet procureur
    präsident präsidentin minister ministerin kanzler kanzlerin chef chefin leiterin leiter
    vorsitzende vorsitzender sprecher sprecherin
    श्री श्रीमती डॉ मुख्यमंत्री प्रधानमंत्री मंत्री अध्यक्ष राष्ट्रपति राज्यपाल प्रवक्ता
    रणनीतिकार निदेशक महासचिव सचिव विधायक सांसद आयुक्त कप्तान मछुआरे किसान उपाध्यक्ष
    प्रभारी नेता कमिश्नर कलेक्टर जिलाधिकारी उपायुक्त अधीक्षक निरीक्षक प्राचार्य कुलपति
    महापौर थानाध्यक्ष एसपी डीएम सीएमओ एसएसपी सीएम पीएम डीजीपी collector magistrate superintendent
    inspector principal sp ssp dm dc acp dcp sho cmo ig dgp adg sdm bdo
    epidemiologist virologist scientist economist professor doctor physician surgeon
    researcher lawyer advocate activist""".lower().split()
)
PRONOUNS: dict[str, frozenset[str]] = {
    "en": frozenset(
        words(
            """
    he she they him her them
    """
        )
    ),
    "es": frozenset(["él", "ella", "ellos", "ellas"]),
    "fr": frozenset(["il", "elle", "ils", "elles", "lui"]),
    "de": frozenset(["er", "sie"]),
    "hi": frozenset(
        words(
            """
    उन्होंने इन्होंने जिन्होंने उसने इसने जिसने वह वे उन्हें उन उनका उनकी उनके
    """
        )
    ),
}
ALL_PRONOUNS = frozenset().union(*PRONOUNS.values())

# words that end a source noun phrase when walking back from the verb
NP_BREAK = frozenset(
    words(
        """
    and but while as because that which who whom whose when if so then however meanwhile
    also although though since after before where whereas yet or nor said told y pero
    mientras que quien quienes cuando et mais tandis qui quand und aber während dass wie
    comme como aunque
    """
    )
)
# tokens that may open a clause after "told <object>"
SUBJECT_START = frozenset(
    [
        "he",
        "she",
        "they",
        "it",
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "there",
        "this",
        "we",
        "i",
    ]
)
# post-modifiers that split "<head> <modifier>" inside a source phrase
POSTMOD = regex.compile(
    r"\b(?:close\s+to|closer\s+to|familiar\s+with|in|at|of|from|within|inside|near|with|"
    r"cercanas?\s+a|próximas?\s+a|proches?\s+de|au\s+sein\s+du|au\s+sein\s+de|au\s+sein\s+des|"
    r"de\s+la|del|de|du|des|aus|der|des|von|vom|im)\b",
    regex.I,
)
CLOSE_TO = regex.compile(
    r"\b(?:close\s+to|closer\s+to|cercanas?\s+a|próximas?\s+a|proches?\s+de|nahe\s+stehen)\b",
    regex.I,
)
# nouns that make a modifier a group even without a capital letter
ORG_NOUNS = frozenset(
    """government party ministry office department administration police agency commission
    committee camp family team board council company firm army campaign leadership
    partido gobierno ministerio agencia policía parti gouvernement ministère agence
    Regierung Partei Ministerium Behörde
    सरकार पार्टी मंत्रालय विभाग प्रशासन पुलिस आयोग समिति दल परिवार टीम""".lower().split()
)
HI_ADJ_STOP = frozenset(
    words(
        """
    राजनीतिक वरिष्ठ शीर्ष आला विश्वस्त भरोसेमंद कुछ कई एक दो तीन चार अन्य स्थानीय सरकारी
    आधिकारिक उच्च पदस्थ बड़े बड़ी
    """
    )
)
# Hindi words that end a source phrase when walking back from ने/के
HI_NP_BREAK = frozenset(
    words(
        """
    में पर को से तक बाद साथ दौरान लिए वहीं उधर हालांकि लेकिन और कि दरअसल इधर जबकि तो भी बीच
    बीते पहले अब इसी इसके उसके जब ही यह वह इस उस हुए हुई हुआ था थी थे है हैं गया गई गए
    """
    )
)

# --------------------------------------------------------------------------- polarity

NEGATORS = frozenset(
    words(
        """
    not no never n't cannot nobody nothing none neither nor without no nunca jamás ni ne pas
    jamais ni nicht kein keine keinen nie niemals नहीं न ना कभी
    """
    )
)
HEDGES = [
    "reportedly",
    "allegedly",
    "may",
    "might",
    "could",
    "possibly",
    "perhaps",
    "it is learnt",
    "speculation",
    "कथित",
    "शायद",
    "संभवतः",
    "quizás",
    "posiblemente",
    "peut-être",
    "vielleicht",
]


def phrase_rx(words: list[str]) -> regex.Pattern[str]:
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{_alt(words)})(?![\p{{L}}\p{{M}}])", regex.I)


HEDGE_RX = phrase_rx(HEDGES)
NEGATOR_RX = regex.compile(
    r"(?<![\p{L}\p{M}])(?:not|no|never|cannot|nobody|nothing|none|neither|nor|nunca|jamás|ni|"
    r"pas|jamais|nicht|kein|keine|keinen|nie|niemals|नहीं|न|ना)(?![\p{L}\p{M}])|n['’]t\b",
    regex.I,
)

SUPPORTED = ("en", "hi", "es", "fr", "de")


def is_opinion_verb(verb: str) -> bool:
    """True for think/believe-type verbs, which need an explicit "that" to count."""
    return verb.lower() in _EN_OPINION
