"""Cue words for mention finding: titles, roles, organisation and place heads, and the
common words that must never become (part of) a name. Latin entries are lower-case.
"""

from __future__ import annotations

import gzip
import logging
from importlib import resources

from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

log = logging.getLogger(__name__)


def _resource_words(name: str) -> frozenset[str]:
    """A shipped word list (``storyline/resources``), one word per line, gzip'd."""
    try:
        ref = resources.files("storyline.resources").joinpath(name)
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            return frozenset(w for w in fh.read().split() if w)
    except (FileNotFoundError, OSError):  # pragma: no cover - packaging
        log.warning("resources/%s missing: Hindi common words may be taken for names", name)
        return frozenset()


def word_set(block: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text."""
    return frozenset(block.split())


# Titles before a personal name (stripped from the name, imply PERSON).
LATIN_TITLES = word_set("""
mr mrs ms miss dr prof shri sri smt sh capt captain col colonel gen lt maj major brig
justice sir lord sheikh adv advocate pt pandit maulana sadhvi swami acharya mme mlle sr
sra herr frau don doña monsieur madame señor señora
""")
# French "M." (Monsieur) is a title only in French text.
FRENCH_TITLES = word_set("m")

# Role nouns. A role directly before a name binds the role to that person ("Chief Minister
# Pinarayi Vijayan", "spokesperson Surjewala"); alone ("the CM") it refers back to them.
ROLE_ALIASES: dict[str, str] = {
    "cm": "chief minister",
    "chief minister": "chief minister",
    "chief ministre": "chief minister",
    "ministerpräsident": "chief minister",
    "jefe del gobierno": "chief minister",
    "मुख्यमंत्री": "chief minister",
    "सीएम": "chief minister",
    "pm": "prime minister",
    "prime minister": "prime minister",
    "premier ministre": "prime minister",
    "primer ministro": "prime minister",
    "premierminister": "prime minister",
    "प्रधानमंत्री": "prime minister",
    "पीएम": "prime minister",
    "president": "president",
    "président": "president",
    "presidente": "president",
    "präsident": "president",
    "राष्ट्रपति": "president",
    "अध्यक्ष": "president",
    "governor": "governor",
    "राज्यपाल": "governor",
    "spokesperson": "spokesperson",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "portavoz": "spokesperson",
    "porte-parole": "spokesperson",
    "sprecher": "spokesperson",
    "sprecherin": "spokesperson",
    "प्रवक्ता": "spokesperson",
    "home minister": "home minister",
    "गृह मंत्री": "home minister",
    "गृहमंत्री": "home minister",
    "finance minister": "finance minister",
    "वित्त मंत्री": "finance minister",
    "health minister": "health minister",
    "स्वास्थ्य मंत्री": "health minister",
}
# Last words of a role phrase ("Union Health Minister", "party General Secretary").
LATIN_ROLE_HEADS = word_set("""
minister ministers president secretary spokesperson spokesman spokeswoman leader chief
chairman chairperson chairwoman governor commissioner collector director mayor mp mla mlc
cm pm ceo founder strategist actor actress singer coach judge officer inspector
superintendent professor scientist analyst economist envoy ambassador senator supremo
patriarch stalwart councillor legislator lawmaker premier incharge in-charge cji dgp dig
sp ssp sho dm ministre presidente président ministro portavoz porte-parole jefe líder
alcalde gobernador maire gouverneur premierminister ministerpräsident präsident sprecher
sprecherin bürgermeister projektwissenschaftlerin wissenschaftlerin director-general
""")
# Words that may stand inside a role phrase before its head ("Union Health Minister").
LATIN_ROLE_MODIFIERS = word_set("""
union state deputy former senior chief vice general national working interim acting
assistant additional joint principal district civil external affairs home finance health
defence defense foreign interior railway railways education law agriculture commerce
labour power road transport urban rural development information broadcasting culture
tourism environment textile textiles petroleum steel coal food water women child welfare
social justice minority tribal parliamentary party regional executive managing primer
premier prime ex- ex police medical cabinet chief's
""")

# Hindi: role words and titles directly before a name.
DEVA_PERSON_CUES = word_set("""
श्री श्रीमती सुश्री डॉ डॉ. डा. प्रो. प्रोफेसर कैप्टन कर्नल जनरल मेजर लेफ्टिनेंट ब्रिगेडियर
न्यायमूर्ति जस्टिस प्रधानमंत्री मुख्यमंत्री उपमुख्यमंत्री मंत्री राज्यमंत्री गृहमंत्री
राज्यपाल उपराज्यपाल राष्ट्रपति उपराष्ट्रपति सांसद विधायक पार्षद अध्यक्ष उपाध्यक्ष प्रवक्ता
नेता महासचिव सचिव प्रभारी संयोजक जिलाधिकारी डीएम एसपी एसएसपी डीआईजी आईजी डीजीपी एसडीएम सीओ
एसएचओ थानाध्यक्ष थानेदार इंस्पेक्टर दारोगा कलेक्टर कमिश्नर आयुक्त निदेशक सीईओ प्राचार्य
कुलपति रणनीतिकार अभिनेता अभिनेत्री गायक गायिका निर्देशक कप्तान कोच खिलाड़ी बल्लेबाज
गेंदबाज लेखक कवि वैज्ञानिक अधिकारी पीएम सीएम महापौर मेयर संस्थापक सुप्रीमो मछुआरे मछुआरा
पत्रकार विश्लेषक चेयरमैन प्रबंध अधिवक्ता वकील सीएमओ उपजिलाधिकारी जेलर प्रमुख
अधीक्षक सर्जन प्रिंसिपल उपायुक्त चिकित्सक विशेषज्ञ प्रधानाचार्य कुलसचिव
""")
# Hindi words that may sit between modifiers and the cue ("केंद्रीय स्वास्थ्य मंत्री").
DEVA_CUE_MODIFIERS = word_set("""
पूर्व वरिष्ठ केंद्रीय प्रदेश राष्ट्रीय राज्य जिला स्वास्थ्य गृह वित्त रक्षा विदेश शिक्षा
कृषि परिवहन उप सह कार्यवाहक विशेष राहत पुलिस चुनावी चुनाव युवा महिला
""")
# Hindi: heads after an organisation's name (kept as part of the name).
DEVA_ORG_HEADS = word_set("""
पार्टी दल मंत्रालय विभाग आयोग बैंक विश्वविद्यालय यूनिवर्सिटी कॉलेज महाविद्यालय विद्यालय
स्कूल अस्पताल कंपनी संघ परिषद समिति बोर्ड निगम प्राधिकरण संस्थान ट्रस्ट सेना मोर्चा क्लब
अकादमी एजेंसी संगठन महासभा न्यायालय कोर्ट लिमिटेड ग्रुप टाइम्स एक्सप्रेस कंसोर्टियम
फाउंडेशन सोसाइटी एसोसिएशन फेडरेशन यूनियन लीग स्ट्रैटेजीज़ स्ट्रेटेजीज
""")
# Hindi: heads after a place's name (not part of the name: "गंजाम जिले" → गंजाम) ...
DEVA_PLACE_HEADS = word_set("""
जिले जिला ज़िले ज़िला जिलों जनपद शहर गांव गाँव ग्राम कस्बे कस्बा प्रखंड तहसील थाना थाने
थानाक्षेत्र इलाके मोहल्ले मोहल्ला प्रांत क्रेटर पर्वत नदी झील द्वीप घाटी
""")
# ... and heads that belong to the place's name ("मंडी चौक", "नेहरू कॉलोनी").
DEVA_PLACE_NAME_HEADS = word_set("रोड मार्ग चौक कॉलोनी नगर घाट")

# Latin heads that make a capitalised run an organisation or a place.
LATIN_ORG_HEADS = word_set("""
party ministry department dept court commission committee council board bank university
college school institute institution hospital corporation company co ltd limited inc group
association federation union league front morcha sena dal sangh samaj parishad sabha
authority agency service services organisation organization trust foundation society club
academy force army navy police bureau office cell secretariat assembly parliament
government govt administration corp times express post herald tribune news network
airlines airways railways motors industries technologies labs pharma media studios
consortium strategies gobierno gouvernement regierung centre center fund forum alliance
tribunal directorate partido partei parti ministerio ministère ministerium agencia agence
agentur consorcio konsortium mondkonsortium mondkonsortiums
""")
# First words of the names of events, storms and operations: typed OTHER.
LATIN_EVENT_HEADS = word_set("cyclone hurricane typhoon storm operation mission festival")
# Last words of the names of events and campaigns ("Janata Curfew", "Bharat Jodo Yatra").
LATIN_EVENT_TAILS = word_set("""
curfew lockdown yatra andolan protest protests election elections polls summit war
pandemic outbreak olympics games cup trophy mission abhiyan yojana scheme act bill
""")
LATIN_PLACE_HEADS = word_set("""
pradesh nagar road street marg chowk colony market bazaar island islands river lake hills
valley bay sea ocean airport station bridge park temple fort gate ghat mandi district
province crater sahib gurdwara
""")
# Lower-case words right after a capitalised name that make it a place ("Ganjam district").
LATIN_PLACE_AFTER = word_set("""
district state city town village tehsil taluka block province region county area
constituency crater
""")
# Lower-case words right after a name that make it an organisation ("the Congress party").
LATIN_ORG_AFTER = word_set("party ministry")
# Role words right after a name: "Madhyanchal chief minister" names a place, "BJP leader" an
# organisation.
LATIN_PLACE_ROLE_AFTER = word_set("chief cm governor government police assembly capital")
LATIN_ORG_ROLE_AFTER = word_set("""
leader leaders spokesperson spokesman president supremo mp mla mps mlas workers
""")
# Small words allowed inside a capitalised name ("Bay of Bengal", "Ministry of Home Affairs").
LATIN_CONNECTORS = word_set("""
of de del la las los du des di da van von der den bin al y e
""")

# Capitalised words that are never PERSON/ORG/PLACE mentions on their own (languages,
# demonyms, festivals, the pandemic vocabulary of 2020...). Lower-case.
LATIN_NEVER = word_set("""
covid covid-19 coronavirus corona sars-cov-2 lockdown unlock internet god allah hindi
english urdu sanskrit bengali tamil telugu marathi punjabi gujarati hindu hindus muslim
muslims sikh sikhs christian christians jain jains buddhist dalit dalits adivasi indian
indians pakistani pakistanis chinese american americans british european europeans african
asian arab french german spanish italian russian japanese nepali bangladeshi diwali holi
eid ramzan ramadan navratri christmas durga puja ganesh chaturthi bakrid rs inr usd crore
crores lakh lakhs icu ppe fir gdp gst rt-pcr pcr nri ott t20 odi tv ceo covid19 mla mlas
mp mps cm cms pm sp ssp dgp dig sho dm ias ips bjp's a b c d e f g h i j k l m n o p q r s
t u v w x y z ii iii iv oh ok okay yes hi hello dear mr. dr. vs note photo photos pic pics
video videos image images file getty express premium subscribe login sign click tap here
read also more watch listen follow share time times opinion editorial analysis état etat
estado staat gobierno gouvernement regierung nord sud est ouest norte sur este oeste süd
ost north south east west moon luna lune mond sun earth cyclone adg adm asp acp bdo cdo
cmo dcp dsp sdm ias ips pcs atm lpg cctv opd seeing section article clause chapter i’m i'm
explained exclusive breaking live updates highlights covid-19: india's indio india's
baisakhi vaisakhi lohri onam pongal bihu chhath janmashtami muharram easter ramzaan ramadhan
navaratri gurpurab guru granth sahib khalsa panth jatha raagi ragi hola mohalla nihang
nihangs maharaj rajasthani bihari kashmiri malayali kannadiga odia assamese haryanvi
gujaratis punjabis marathis anganwadi ut mnrega mgnrega nrega manrega sop sops pds ig igp
adgp dg ddg
indisch indische indischen indien's européen europeo europäisch europäischen européenne
indienne toulousain
""")

# Sentence starters that are never names even when capitalised mid-run ("Amid", "Notably").
LATIN_STARTERS = word_set("""
amid amidst despite following besides notably however earlier later meanwhile also further
while when after since though although hence thus therefore instead unlike like under over
according sources reports officials soon once now then today yesterday tomorrow here there
this that these those such both either neither each every all some many most much several
other another asked speaking talking addressing responding referring reacting commenting
citing quoting sharing calling saying adding claiming noting stating recently currently
finally initially eventually apparently reportedly allegedly interestingly importantly
significantly incidentally additionally moreover furthermore similarly likewise
subsequently consequently nevertheless nonetheless dear sir madam let yet still even just
only
""")

# Everyday Hindi words that must never be read as a name (on top of HINDI_STOP): numbers,
# generic modifiers, the commonest nouns of news prose, and words that are also names.
DEVA_COMMON = word_set("""
दोनों तीनों चारों सबसे हालांकि हालाँकि दरअसल जबकि यानी गौरतलब इससे उससे इसमें उसमें इसे
उसे जिससे जिसमें पश्चिमी पूर्वी उत्तरी दक्षिणी सत्तारूढ़ आयोजक टिकट पाला शेयर मौसम दस बीस
तीस चालीस पचास सौ हजार हज़ार लाख करोड़ छह सात आठ नौ पहला पहली पहले दूसरा दूसरी दूसरे तीसरा
तीसरी नई नए नया नयी पुराने पुरानी पुराना बड़े बड़ी बड़ा छोटे छोटी छोटा सभी पूरे पूरी पूरा
हर अगले अगली पिछले पिछली आगामी वर्तमान मौजूदा पूर्व वरिष्ठ कथित लगातार सरकारी निजी जिला
राज्य केंद्र केंद्रीय प्रदेश राष्ट्रीय अंतरराष्ट्रीय स्थानीय विशेष प्रमुख मुख्य आम खास कुल
करीब लगभग केवल सिर्फ तुरंत जल्द अभी वहीं यहीं इसके उसके जिसके लोग मामले मामला मामलों
संक्रमण संक्रमित कोरोना वायरस कोविड लॉकडाउन लॉक डाउन अस्पताल मरीज मरीजों जांच रिपोर्ट
पुलिस प्रशासन अधिकारी अधिकारियों कर्मचारी कर्मचारियों काम समय जानकारी बैठक फैसला निर्णय
मांग सुविधा व्यवस्था विकास योजना कार्य कार्यक्रम सूचना सीमा सीमाओं कारण जीवन धन शक्ति सेवा
दया क्षमा कृपा करुणा नीति घर परिवार गांव गांवों शहर जिले बाजार सड़क सड़कों दुकान दुकानें
हाथ पानी खाना भोजन राशन दवा दवाई इलाज डॉक्टर डॉक्टरों नर्स टीम टीका वैक्सीन सरकार सरकारों
पार्टी पार्टियों नेता नेताओं मंत्री विधायक सांसद अध्यक्ष सदस्य सदस्यों कार्यकर्ता
कार्यकर्ताओं जनता मतदाता चुनाव चुनावों मतदान प्रचार अभियान रणनीति रणनीतिकार गठबंधन विपक्ष
विपक्षी सत्ता राजनीति राजनीतिक नेतृत्व सूत्र सूत्रों प्रस्ताव पेशकश बातचीत चर्चा मुलाकात
भूमिका संभावना साझेदारी जिम्मेदारी अहम हमले हमलों अधिकार व्यक्ति वोट वोटों प्रतिशत बच्चे
बच्चों महिला महिलाओं पुरुष युवा युवक युवती किसान किसानों मजदूर मजदूरों छात्र छात्रों
शिक्षक गरीब गरीबों लोगों जनों परिवारों लाभ नुकसान खर्च राशि रुपये रुपए पैसे पैसा कीमत दाम
बिक्री खरीद उत्पादन उद्योग व्यापार व्यापारी कारोबार कंपनी कंपनियों सुरक्षा सुरक्षित खतरा
खतरे डर स्थिति हालात घटना घटनाओं हादसा हादसे मौत मौतों शव आरोप आरोपी गिरफ्तार गिरफ्तारी
हत्या चोरी जेल मुकदमा केस जमानत सजा फैसले अदालत न्याय कानून नियम आदेश निर्देश अनुमति
पाबंदी प्रतिबंध छूट राहत मदद सहायता शिविर शिविरों नाव नावें मछुआरे मछुआरों तट तटीय समुद्र
बारिश हवा हवाओं तूफान चक्रवात बिजली आपूर्ति उड़ानें उड़ान ट्रेन ट्रेनों बस बसों वाहन
वाहनों यात्री यात्रियों मेले मेला पुस्तक किताब किताबों प्रकाशक प्रकाशकों पाठक पाठकों लेखक
लेखकों कविता मंडप संवाद प्रवेश आयोजक आयोजकों संस्था दौर प्रति तस्वीर तस्वीरें खबरें अटकलें
प्रतिनिधि प्रतिनिधिमंडल कमरे आवास भेंट मित्र दोस्त दामन झटका मैदान इनकार बढ़त विश्लेषकों
सीटों सीटें सीट पद दिवसीय दिवस शुरुआत शुरू खत्म बंद खुला खुली जल्द दिनों घंटे घंटों मिनट
किलोमीटर मीटर रफ्तार तबाही आकलन हिस्से हिस्सा हवाई अड्डे भगवान भरोसे बस्ती महीनों सालों
हफ्तों वर्षों वार्ता कोष राहत जाने जाना करो सर मै मैं
देवी बेगम स्वास्थ्य जोन ज़ोन हॉटस्पॉट क्वारंटीन क्वारंटाइन आइसोलेशन कंटेनमेंट क्लस्टर
""")
# Everyday Hindi words that are also given names ("light", "hope", "victory"...): a name only
# after a cue or before a surname, never alone.
DEVA_NAMELIKE = word_set("""
प्रकाश आशा किरण कमल विजय प्रेम शांति राज राम सूरज दीपक ज्योति पूजा मंगल रेखा उषा चंद्र
सूर्य स्नेह विनय विवेक संतोष आनंद अमन गौरव मधु कल्पना ममता हर्ष भारती विद्या सुधा माया लता
मीना किशोर सुमन पवन अमर अजय विकास उमा गीता
""")
# Frequent Hindi words with no English-capitalised sound-alike of similar frequency (built from
# corpus statistics by scripts/build_hindi_common.py), plus sound-alikes too rare for it.
DEVA_CORPUS_COMMON = _resource_words("hindi_common.txt.gz") | word_set("""
बढ़ती बढ़ते बढ़ता सत्र बचाने बचाव परन्तु परंतु मिलते मिला मिली
""")
DEVA_NEVER = HINDI_STOP | DEVA_COMMON | DEVA_CORPUS_COMMON
# Hindi words after a name that close it (postpositions, conjunctions, honorific).
DEVA_BOUNDARY = word_set("""
ने को की का के से में पर और व तथा एवं या जी भी ही तो है हैं था थे थी कहा बताया
""")

LATIN_COMMON = LATIN_STOP | LATIN_STARTERS
