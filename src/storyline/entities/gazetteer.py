"""A hand-written gazetteer: places and well-known organisations in Latin and Devanagari.

Each line is ``TYPE|canonical name|Latin forms;...|Devanagari forms;...`` (the canonical
name is always also a Latin form; a line ending in ``;`` continues on the next). Forms are
matched as whole words; Latin forms match case-sensitively when they contain a capital and
in any case when all lower-case.
Deliberately left out: forms that are common words (Hindi ``आप`` "you" for the Aam Aadmi
Party, Latin ``SP`` "superintendent of police" for the Samajwadi Party, Hindi
``हिंदुस्तान`` for the newspaper). Entries are facts, not a sample of any corpus.
"""

from __future__ import annotations

import gzip
import logging
import re
from dataclasses import dataclass, replace
from importlib import resources

logger = logging.getLogger(__name__)

_PLACES = """
PLACE|India|India;Inde;Indien;Indiens;Bharat|भारत
PLACE|Andhra Pradesh|Andhra Pradesh;Andhra|आंध्र प्रदेश;आंध्रप्रदेश;आंध्र
PLACE|Arunachal Pradesh|Arunachal Pradesh;Arunachal|अरुणाचल प्रदेश;अरुणाचल
PLACE|Assam|Assam|असम
PLACE|Bihar|Bihar|बिहार
PLACE|Chhattisgarh|Chhattisgarh|छत्तीसगढ़
PLACE|Goa|Goa|गोवा
PLACE|Gujarat|Gujarat|गुजरात
PLACE|Haryana|Haryana|हरियाणा
PLACE|Himachal Pradesh|Himachal Pradesh;Himachal|हिमाचल प्रदेश;हिमाचल
PLACE|Jharkhand|Jharkhand|झारखंड;झारखण्ड
PLACE|Karnataka|Karnataka|कर्नाटक
PLACE|Kerala|Kerala|केरल;केरला
PLACE|Madhya Pradesh|Madhya Pradesh|मध्य प्रदेश;मध्यप्रदेश
PLACE|Maharashtra|Maharashtra|महाराष्ट्र
PLACE|Manipur|Manipur|मणिपुर
PLACE|Meghalaya|Meghalaya|मेघालय
PLACE|Mizoram|Mizoram|मिजोरम;मिज़ोरम
PLACE|Nagaland|Nagaland|नगालैंड;नागालैंड
PLACE|Odisha|Odisha;Orissa|ओडिशा;उड़ीसा
PLACE|Punjab|Punjab|पंजाब
PLACE|Rajasthan|Rajasthan|राजस्थान
PLACE|Sikkim|Sikkim|सिक्किम
PLACE|Tamil Nadu|Tamil Nadu;Tamilnadu|तमिलनाडु;तमिल नाडु
PLACE|Telangana|Telangana|तेलंगाना
PLACE|Tripura|Tripura|त्रिपुरा
PLACE|Uttar Pradesh|Uttar Pradesh;UP|उत्तर प्रदेश;उत्तरप्रदेश;यूपी
PLACE|Uttarakhand|Uttarakhand;Uttaranchal|उत्तराखंड;उत्तराखण्ड
PLACE|West Bengal|West Bengal;Bengal|पश्चिम बंगाल;बंगाल
PLACE|Jammu and Kashmir|Jammu and Kashmir;Jammu & Kashmir;J&K|जम्मू-कश्मीर;जम्मू कश्मीर
PLACE|Jammu|Jammu|जम्मू
PLACE|Kashmir|Kashmir|कश्मीर
PLACE|Ladakh|Ladakh|लद्दाख
PLACE|Delhi|Delhi;New Delhi|दिल्ली;नई दिल्ली
PLACE|Chandigarh|Chandigarh|चंडीगढ़
PLACE|Puducherry|Puducherry;Pondicherry|पुडुचेरी
PLACE|Andaman and Nicobar Islands|Andaman and Nicobar Islands;Andaman|अंडमान
PLACE|Lakshadweep|Lakshadweep|लक्षद्वीप
PLACE|Mumbai|Mumbai;Bombay|मुंबई;बंबई
PLACE|Kolkata|Kolkata;Calcutta|कोलकाता;कलकत्ता
PLACE|Chennai|Chennai;Madras|चेन्नई;मद्रास
PLACE|Bengaluru|Bengaluru;Bangalore|बेंगलुरु;बेंगलुरू;बंगलौर;बैंगलोर
PLACE|Hyderabad|Hyderabad|हैदराबाद
PLACE|Ahmedabad|Ahmedabad|अहमदाबाद
PLACE|Pune|Pune|पुणे
PLACE|Surat|Surat|सूरत
PLACE|Jaipur|Jaipur|जयपुर
PLACE|Lucknow|Lucknow|लखनऊ
PLACE|Kanpur|Kanpur|कानपुर
PLACE|Nagpur|Nagpur|नागपुर
PLACE|Indore|Indore|इंदौर
PLACE|Bhopal|Bhopal|भोपाल
PLACE|Patna|Patna|पटना
PLACE|Vadodara|Vadodara;Baroda|वडोदरा
PLACE|Ludhiana|Ludhiana|लुधियाना
PLACE|Amritsar|Amritsar|अमृतसर
PLACE|Jalandhar|Jalandhar|जालंधर
PLACE|Agra|Agra|आगरा
PLACE|Varanasi|Varanasi;Banaras;Benares|वाराणसी;बनारस
PLACE|Prayagraj|Prayagraj;Allahabad|प्रयागराज;इलाहाबाद
PLACE|Meerut|Meerut|मेरठ
PLACE|Ghaziabad|Ghaziabad|गाजियाबाद;गाज़ियाबाद
PLACE|Noida|Noida|नोएडा
PLACE|Gurugram|Gurugram;Gurgaon|गुरुग्राम;गुड़गांव
PLACE|Faridabad|Faridabad|फरीदाबाद
PLACE|Dehradun|Dehradun|देहरादून
PLACE|Haridwar|Haridwar|हरिद्वार
PLACE|Shimla|Shimla|शिमला
PLACE|Srinagar|Srinagar|श्रीनगर
PLACE|Ranchi|Ranchi|रांची
PLACE|Jamshedpur|Jamshedpur|जमशेदपुर
PLACE|Dhanbad|Dhanbad|धनबाद
PLACE|Raipur|Raipur|रायपुर
PLACE|Bhubaneswar|Bhubaneswar|भुवनेश्वर
PLACE|Cuttack|Cuttack|कटक
PLACE|Puri|Puri|पुरी
PLACE|Guwahati|Guwahati|गुवाहाटी
PLACE|Kochi|Kochi;Cochin|कोच्चि
PLACE|Thiruvananthapuram|Thiruvananthapuram;Trivandrum|तिरुवनंतपुरम
PLACE|Kozhikode|Kozhikode;Calicut|कोझिकोड
PLACE|Coimbatore|Coimbatore|कोयंबटूर
PLACE|Madurai|Madurai|मदुरै
PLACE|Visakhapatnam|Visakhapatnam;Vizag|विशाखापत्तनम
PLACE|Vijayawada|Vijayawada|विजयवाड़ा
PLACE|Mysuru|Mysuru;Mysore|मैसूर;मैसूरु
PLACE|Mangaluru|Mangaluru;Mangalore|मंगलुरु;मंगलौर
PLACE|Nashik|Nashik|नासिक
PLACE|Aurangabad|Aurangabad|औरंगाबाद
PLACE|Thane|Thane|ठाणे
PLACE|Rajkot|Rajkot|राजकोट
PLACE|Gandhinagar|Gandhinagar|गांधीनगर
PLACE|Jodhpur|Jodhpur|जोधपुर
PLACE|Udaipur|Udaipur|उदयपुर
PLACE|Kota|Kota|कोटा
PLACE|Ajmer|Ajmer|अजमेर
PLACE|Bikaner|Bikaner|बीकानेर
PLACE|Gwalior|Gwalior|ग्वालियर
PLACE|Jabalpur|Jabalpur|जबलपुर
PLACE|Gorakhpur|Gorakhpur|गोरखपुर
PLACE|Ayodhya|Ayodhya|अयोध्या
PLACE|Mathura|Mathura|मथुरा
PLACE|Aligarh|Aligarh|अलीगढ़
PLACE|Bareilly|Bareilly|बरेली
PLACE|Moradabad|Moradabad|मुरादाबाद
PLACE|Saharanpur|Saharanpur|सहारनपुर
PLACE|Muzaffarnagar|Muzaffarnagar|मुजफ्फरनगर;मुज़फ़्फ़रनगर
PLACE|Gaya|Gaya|
PLACE|Bhagalpur|Bhagalpur|भागलपुर
PLACE|Muzaffarpur|Muzaffarpur|मुजफ्फरपुर
PLACE|Siliguri|Siliguri|सिलीगुड़ी
PLACE|Darjeeling|Darjeeling|दार्जिलिंग
PLACE|Panaji|Panaji|पणजी
PLACE|Imphal|Imphal|इंफाल
PLACE|Shillong|Shillong|शिलांग
PLACE|Agartala|Agartala|अगरतला
PLACE|Gangtok|Gangtok|गंगटोक
PLACE|Itanagar|Itanagar|ईटानगर
PLACE|Kohima|Kohima|कोहिमा
PLACE|Aizawl|Aizawl|आइजोल
PLACE|Leh|Leh|लेह
PLACE|Pakistan|Pakistan;Pakistán|पाकिस्तान
PLACE|China|China;Chine|चीन
PLACE|Nepal|Nepal|नेपाल
PLACE|Bangladesh|Bangladesh|बांग्लादेश
PLACE|Sri Lanka|Sri Lanka|श्रीलंका;श्री लंका
PLACE|Bhutan|Bhutan|भूटान
PLACE|Myanmar|Myanmar;Burma|म्यांमार
PLACE|Afghanistan|Afghanistan|अफगानिस्तान;अफ़ग़ानिस्तान
PLACE|Maldives|Maldives|मालदीव
PLACE|Iran|Iran|ईरान
PLACE|Iraq|Iraq|इराक
PLACE|Israel|Israel|इजराइल;इज़राइल;इस्राइल
PLACE|Saudi Arabia|Saudi Arabia|सऊदी अरब
PLACE|United Arab Emirates|United Arab Emirates;UAE|संयुक्त अरब अमीरात;यूएई
PLACE|Dubai|Dubai|दुबई
PLACE|Qatar|Qatar|कतर
PLACE|Kuwait|Kuwait|कुवैत
PLACE|Oman|Oman|ओमान
PLACE|Turkey|Turkey;Türkiye;Turquía;Turquie;Türkei|तुर्की
PLACE|Egypt|Egypt;Egipto;Égypte;Ägypten|मिस्र
PLACE|Syria|Syria;Siria;Syrie;Syrien|सीरिया
PLACE|Libya|Libya;Libia;Libye;Libyen|लीबिया
PLACE|Yemen|Yemen;Yémen;Jemen|यमन
PLACE|Russia|Russia;Rusia;Russie;Russland|रूस
PLACE|Ukraine|Ukraine;Ucrania|यूक्रेन
PLACE|United States|United States;US;USA;U.S.;America;Estados Unidos;États-Unis;
    Vereinigte Staaten;USA|अमेरिका;अमरीका;संयुक्त राज्य अमेरिका
PLACE|United Kingdom|United Kingdom;UK;Britain;Great Britain;Reino Unido;Royaume-Uni;
    Großbritannien|ब्रिटेन;यूके
PLACE|England|England;Inglaterra;Angleterre|इंग्लैंड
PLACE|London|London;Londres|लंदन
PLACE|France|France;Francia;Frankreich|फ्रांस
PLACE|Paris|Paris|पेरिस
PLACE|Germany|Germany;Alemania;Allemagne;Deutschland|जर्मनी
PLACE|Berlin|Berlin|बर्लिन
PLACE|Spain|Spain;España;Espagne;Spanien|स्पेन
PLACE|Madrid|Madrid|मैड्रिड
PLACE|Italy|Italy;Italia;Italie;Italien|इटली
PLACE|Rome|Rome;Roma;Rom|रोम
PLACE|Europe|Europe;Europa;Europas|यूरोप
PLACE|Asia|Asia;Asie;Asien|एशिया
PLACE|Africa|Africa;Afrique;Afrika|अफ्रीका;अफ़्रीका
PLACE|Japan|Japan;Japón;Japon|जापान
PLACE|South Korea|South Korea|दक्षिण कोरिया
PLACE|North Korea|North Korea|उत्तर कोरिया
PLACE|Singapore|Singapore;Singapur;Singapour|सिंगापुर
PLACE|Malaysia|Malaysia|मलेशिया
PLACE|Indonesia|Indonesia|इंडोनेशिया
PLACE|Thailand|Thailand|थाईलैंड
PLACE|Vietnam|Vietnam|वियतनाम
PLACE|Philippines|Philippines|फिलीपींस
PLACE|Australia|Australia;Australie;Australien|ऑस्ट्रेलिया;आस्ट्रेलिया
PLACE|New Zealand|New Zealand|न्यूजीलैंड;न्यूज़ीलैंड
PLACE|Canada|Canada;Kanada|कनाडा
PLACE|Brazil|Brazil;Brasil;Brésil;Brasilien|ब्राजील;ब्राज़ील
PLACE|Mexico|Mexico;México;Mexique;Mexiko|मेक्सिको
PLACE|South Africa|South Africa|दक्षिण अफ्रीका
PLACE|Wuhan|Wuhan|वुहान
PLACE|Washington|Washington|वॉशिंगटन;वाशिंगटन
PLACE|New York|New York|न्यूयॉर्क
PLACE|Moscow|Moscow;Moscú;Moscou;Moskau|मॉस्को
PLACE|Beijing|Beijing;Pekín;Pékin;Peking|बीजिंग
PLACE|Islamabad|Islamabad|इस्लामाबाद
PLACE|Kabul|Kabul|काबुल
PLACE|Dhaka|Dhaka|ढाका
PLACE|Kathmandu|Kathmandu|काठमांडू
PLACE|Colombo|Colombo|कोलंबो
PLACE|Ganga|Ganga;Ganges|गंगा
PLACE|Yamuna|Yamuna|यमुना
PLACE|Himalayas|Himalayas;Himalaya|हिमालय
PLACE|Bay of Bengal|Bay of Bengal;golfo de Bengala;golfe du Bengale|बंगाल की खाड़ी
PLACE|Arabian Sea|Arabian Sea|अरब सागर
PLACE|Indian Ocean|Indian Ocean|हिंद महासागर
PLACE|Middle East|Middle East|मध्य पूर्व
"""

_ORGS = """
ORG|Congress|Congress;Indian National Congress;INC;Congress party;Congress Party|कांग्रेस;
    इंडियन नेशनल कांग्रेस;भारतीय राष्ट्रीय कांग्रेस;कांग्रेस पार्टी
ORG|Bharatiya Janata Party|BJP;Bharatiya Janata Party|भाजपा;बीजेपी;भारतीय जनता पार्टी
ORG|Aam Aadmi Party|Aam Aadmi Party;AAP|आम आदमी पार्टी;आप पार्टी
ORG|Trinamool Congress|Trinamool Congress;All India Trinamool Congress;TMC;AITC;
    Trinamool|तृणमूल कांग्रेस;तृणमूल;टीएमसी
ORG|Samajwadi Party|Samajwadi Party|समाजवादी पार्टी;सपा
ORG|Bahujan Samaj Party|Bahujan Samaj Party;BSP|बहुजन समाज पार्टी;बसपा
ORG|Rashtriya Janata Dal|Rashtriya Janata Dal;RJD|राष्ट्रीय जनता दल;राजद
ORG|Janata Dal (United)|Janata Dal (United);JD(U);JDU;JD-U|जनता दल यूनाइटेड;जदयू;जेडीयू
ORG|Nationalist Congress Party|Nationalist Congress Party;NCP|राष्ट्रवादी कांग्रेस पार्टी;
    एनसीपी;राकांपा
ORG|Shiv Sena|Shiv Sena;Shivsena|शिवसेना;शिव सेना
ORG|Dravida Munnetra Kazhagam|DMK;Dravida Munnetra Kazhagam|द्रमुक;डीएमके
ORG|AIADMK|AIADMK|अन्नाद्रमुक;एआईएडीएमके
ORG|Communist Party of India (Marxist)|CPI(M);CPM;CPI-M|माकपा;सीपीएम
ORG|Communist Party of India|Communist Party of India;CPI|भाकपा;सीपीआई
ORG|Telugu Desam Party|Telugu Desam Party;TDP|तेलुगु देशम पार्टी;टीडीपी
ORG|YSR Congress Party|YSR Congress Party;YSRCP;YSR Congress|वाईएसआर कांग्रेस;वाईएसआरसीपी
ORG|Biju Janata Dal|Biju Janata Dal;BJD|बीजू जनता दल;बीजद
ORG|Jharkhand Mukti Morcha|Jharkhand Mukti Morcha;JMM|झारखंड मुक्ति मोर्चा;झामुमो
ORG|Lok Janshakti Party|Lok Janshakti Party;LJP|लोक जनशक्ति पार्टी;लोजपा
ORG|Shiromani Akali Dal|Shiromani Akali Dal;Akali Dal;SAD|शिरोमणि अकाली दल;अकाली दल
ORG|AIMIM|AIMIM|एआईएमआईएम
ORG|Rashtriya Swayamsevak Sangh|Rashtriya Swayamsevak Sangh;RSS|राष्ट्रीय स्वयंसेवक संघ;
    आरएसएस;संघ परिवार
ORG|National Democratic Alliance|National Democratic Alliance;
    NDA|राष्ट्रीय जनतांत्रिक गठबंधन;एनडीए;राजग
ORG|United Progressive Alliance|United Progressive Alliance;UPA|संयुक्त प्रगतिशील गठबंधन;
    यूपीए;संप्रग
ORG|Lok Sabha|Lok Sabha|लोकसभा;लोक सभा
ORG|Rajya Sabha|Rajya Sabha|राज्यसभा;राज्य सभा
ORG|Parliament|Parliament|संसद
ORG|Supreme Court|Supreme Court|सुप्रीम कोर्ट;सर्वोच्च न्यायालय;शीर्ष अदालत
ORG|Election Commission|Election Commission;Election Commission of India;ECI|चुनाव आयोग;
    निर्वाचन आयोग
ORG|Reserve Bank of India|Reserve Bank of India;RBI;Reserve Bank|भारतीय रिजर्व बैंक;
    रिजर्व बैंक;रिज़र्व बैंक;आरबीआई
ORG|World Health Organization|World Health Organization;World Health Organisation;
    WHO|विश्व स्वास्थ्य संगठन;डब्ल्यूएचओ
ORG|Indian Council of Medical Research|Indian Council of Medical Research;
    ICMR|भारतीय आयुर्विज्ञान अनुसंधान परिषद;आईसीएमआर
ORG|AIIMS|AIIMS;All India Institute of Medical Sciences|एम्स
ORG|Central Bureau of Investigation|Central Bureau of Investigation;CBI|केंद्रीय जांच ब्यूरो;सीबीआई
ORG|Enforcement Directorate|Enforcement Directorate|प्रवर्तन निदेशालय;ईडी
ORG|National Investigation Agency|National Investigation Agency;NIA|राष्ट्रीय जांच एजेंसी;एनआईए
ORG|ISRO|ISRO;Indian Space Research Organisation|इसरो
ORG|NASA|NASA|नासा
ORG|United Nations|United Nations;UN;Naciones Unidas;Nations unies;
    Vereinte Nationen|संयुक्त राष्ट्र;यूएन
ORG|European Union|European Union;EU;Unión Europea;Union européenne;Europäische Union|यूरोपीय संघ
ORG|Indian Railways|Indian Railways|भारतीय रेलवे
ORG|Ministry of Health and Family Welfare|Ministry of Health and Family Welfare;Health Ministry;
    Union Health Ministry;MoHFW|स्वास्थ्य मंत्रालय;केंद्रीय स्वास्थ्य मंत्रालय;
    स्वास्थ्य एवं परिवार कल्याण मंत्रालय
ORG|Ministry of Home Affairs|Ministry of Home Affairs;Home Ministry;Union Home Ministry;
    MHA|गृह मंत्रालय;केंद्रीय गृह मंत्रालय
ORG|Ministry of Finance|Ministry of Finance;Finance Ministry|वित्त मंत्रालय
ORG|Ministry of External Affairs|Ministry of External Affairs;External Affairs Ministry;
    MEA|विदेश मंत्रालय
ORG|Ministry of Railways|Ministry of Railways;Railway Ministry;Rail Ministry|रेल मंत्रालय
ORG|Ministry of Defence|Ministry of Defence;Defence Ministry|रक्षा मंत्रालय
ORG|Delhi Police|Delhi Police|दिल्ली पुलिस
ORG|Tablighi Jamaat|Tablighi Jamaat|तबलीगी जमात
ORG|NITI Aayog|NITI Aayog|नीति आयोग
ORG|Indian Premier League|Indian Premier League;IPL|आईपीएल
ORG|BCCI|BCCI;Board of Control for Cricket in India|बीसीसीआई
ORG|Press Trust of India|Press Trust of India;PTI|पीटीआई
ORG|Asian News International|ANI|एएनआई
ORG|IANS|IANS|आईएएनएस
ORG|Reuters|Reuters|रॉयटर्स
ORG|NDTV|NDTV|एनडीटीवी
ORG|The Indian Express|Indian Express;The Indian Express|इंडियन एक्सप्रेस
ORG|The Times of India|Times of India;The Times of India;TOI|टाइम्स ऑफ इंडिया
ORG|Hindustan Times|Hindustan Times|हिंदुस्तान टाइम्स
ORG|The Hindu|The Hindu|द हिंदू
ORG|ThePrint|ThePrint|दप्रिंट
ORG|The Wire|The Wire|द वायर
ORG|Amar Ujala|Amar Ujala|अमर उजाला
ORG|Dainik Jagran|Dainik Jagran|दैनिक जागरण
ORG|Dainik Bhaskar|Dainik Bhaskar|दैनिक भास्कर
ORG|Prabhat Khabar|Prabhat Khabar|प्रभात खबर
ORG|Navbharat Times|Navbharat Times|नवभारत टाइम्स
ORG|Twitter|Twitter|ट्विटर
ORG|Facebook|Facebook|फेसबुक
ORG|WhatsApp|WhatsApp|व्हाट्सएप;वॉट्सऐप;व्हाट्सऐप
ORG|Telegram|Telegram|टेलीग्राम
ORG|Google|Google|गूगल
ORG|YouTube|YouTube|यूट्यूब
"""


@dataclass(frozen=True)
class LexEntry:
    """One gazetteer entry: a canonical name with its forms in each script."""

    lex_id: str  # e.g. "PLACE:Punjab"
    type: str
    name: str
    latin: tuple[str, ...]
    deva: tuple[str, ...]
    # mined one-word names ("Dharavi") are matched in Devanagari only: in Latin script a
    # capitalised word is found anyway, and a place word may be a person's name there
    match_latin: bool = True
    source: str = "hand"  # or "mined" (resources/aliases.tsv.gz)


def _parse(block: str) -> list[LexEntry]:
    out: list[LexEntry] = []
    joined = re.sub(r";\n\s+", ";", block.strip())  # a line ending in ";" continues
    for line in joined.splitlines():
        typ, name, latin, deva = line.split("|")
        lat = tuple(dict.fromkeys([name, *(f for f in latin.split(";") if f)]))
        dev = tuple(f for f in deva.split(";") if f)
        out.append(LexEntry(f"{typ}:{name}", typ, name, lat, dev))
    return out


def _mined(hand: list[LexEntry]) -> list[LexEntry]:
    """Entries of ``resources/aliases.tsv.gz`` (built by ``scripts/build_aliases.py`` from
    unlabelled news in both scripts): a Devanagari form already in a hand entry is left to
    it; a name that is a hand entry's Latin form adds its new Devanagari forms to it."""
    try:
        ref = resources.files("storyline.resources").joinpath("aliases.tsv.gz")
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            rows = [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]
    except FileNotFoundError:
        logger.warning("resources/aliases.tsv.gz missing: no mined cross-script names")
        return hand
    by_latin = {f: n for n, e in enumerate(hand) for f in e.latin}
    taken_deva = {f for e in hand for f in e.deva}
    out = list(hand)
    for row in rows:
        if len(row) < 3 or row[0] not in ("PLACE", "ORG"):
            continue
        typ, name, forms = row[0], row[1], [f for f in row[2].split(";") if f]
        new = tuple(f for f in forms if f not in taken_deva)
        if not new:
            continue
        taken_deva.update(new)
        if name in by_latin:
            n = by_latin[name]
            out[n] = replace(out[n], deva=out[n].deva + new)
            continue
        out.append(LexEntry(f"{typ}:{name}", typ, name, (name,), new,
                            match_latin=" " in name, source="mined"))
        by_latin[name] = len(out) - 1
    return out


HAND_ENTRIES: tuple[LexEntry, ...] = tuple(_parse(_PLACES) + _parse(_ORGS))
ENTRIES: tuple[LexEntry, ...] = tuple(_mined(list(HAND_ENTRIES)))
BY_ID: dict[str, LexEntry] = {e.lex_id: e for e in ENTRIES}
