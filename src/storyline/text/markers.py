"""Marker vocabularies of :mod:`storyline.text.clean`: the regular expressions that
recognise boilerplate lines (advertisement labels, read times, copyright, "Also read",
video and topic blocks, subscription and social-media appeals, photo credits, tweets) and
the small patterns the rules share. Per language (en, hi, es, fr, de, it, pt), compiled
once at import time; the rules that use them live in :mod:`storyline.text.clean`."""

from __future__ import annotations

import re

import regex

_I = re.IGNORECASE

# A line that is nothing but an advertisement label (after trimming punctuation/bullets).
_AD_LINE = re.compile(
    r"(?:advertisements?|advertisment|advert|ads?|sponsored(?: content)?|promoted|"
    r"विज्ञापन|publicidad|publicidade|publicité|anzeige|werbung|pubblicità|"
    r"(?:story|article) continues below(?: this ad| advertisement)?|continue reading below|"
    r"scroll to continue(?: with content)?|continues below advertisement)",
    _I,
)
_READ_TIME = re.compile(
    r"(?:(?:estimated )?read(?:ing)? time|temps de lecture|tiempo de lectura|lesezeit|lesedauer|"
    r"पढ़ने का समय)\s*[:|\-–]?\s*\d+\s*(?:min(?:ute)?s?|minuten|minutos|मिनट)\.?"
    r"|\d+\s*(?:min(?:ute)?s?|minuten|minutos|मिनट)\s*"
    r"(?:read|de lecture|de lectura|lesezeit|लेक्चर|पढ़ें|पढ़ने का समय)\.?",
    _I,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4})|कॉपीराइट\s*(?:©|\d{4})).{0,200}"
    r"|.{0,120}(?:all rights reserved|सर्वाधिकार सुरक्षित|todos los derechos reservados|"
    r"tous droits réservés|alle rechte vorbehalten|tutti i diritti riservati)\W{0,3}",
    _I,
)
_ALSO_READ = re.compile(
    r"(?:also read|read also|read more|also see|see also|also watch|must read|recommended|"
    r"related(?: stories| news| articles)?|यह भी पढ़ें|ये भी पढ़ें|इसे भी पढ़ें|यह भी पढ़े|ये भी पढ़े|"
    r"और पढ़ें|पढ़ें यह भी|lire aussi|à lire aussi|a lire aussi|lee también|lea también|"
    r"te puede interesar|lesen sie auch|auch interessant|mehr zum thema|leggi anche|leia também)"
    r"(?P<sep>\s*[:|\-–—>»]+\s*|\s*$)",
    _I,
)
_VIDEO = re.compile(
    r"(?:featured video of the day|featured video|watch(?: the)? video|watch live(?: tv)?|"
    r"trending videos?|video of the day|videos?|watch|वीडियो|देखें वीडियो|वीडियो देखें|"
    r"यह वीडियो भी देखें|vídeo|vidéo|ver vídeo|regarder la vidéo|video ansehen)"
    r"(?P<sep>\s*[:|\-–—>»]+\s*|\s*$)",
    _I,
)
_TOPICS = re.compile(
    r"(?:topics mentioned in this article|related topics|trending topics|tags?|topics|keywords|"
    r"टैग्स?|टॉपिक्स|etiquetas|temas|mots-clés|mots clés|sujets|schlagwörter|schlagworte)"
    r"(?P<sep>\s*[:|\-–—]+\s*|\s*$)",
    _I,
)
_SUBSCRIBE = re.compile(
    r"(?:subscribe(?: now)?(?: to)?|sign up (?:for|to)|get (?:our|the) .{0,40}newsletter|"
    r"support (?:our|quality|independent|fearless) journalism|become a (?:member|subscriber)|"
    r"न्यूज़लेटर|न्यूजलेटर|सब्सक्राइब कर|suscríbete|abonnez-vous|inscrivez-vous|"
    r"jetzt abonnieren|newsletter abonnieren)\b",
    _I,
)
_SUBSCRIBE_WORDS = re.compile(
    r"subscri|newsletter|donate|donation|contribute (?:now|today|to us|to our)|membership|"
    r"sign up|support us|your support|our readers|pay for (?:it|quality)|journalism|inbox|"
    r"सब्सक्राइब|न्यूज़लेटर|abonn|suscr",
    _I,
)
_PLATFORMS = (
    r"(?:twitter|x|facebook|instagram|whatsapp|telegram|youtube|linkedin|threads|koo|"
    r"google news|sharechat|फेसबुक|ट्विटर|व्हाट्सएप|व्हाट्सऐप|टेलीग्राम|यूट्यूब|इंस्टाग्राम)\b"
)
# Prompts that are boilerplate whatever follows them on the line.
_SOCIAL = re.compile(
    r"(?:(?:follow|like|join|find) us (?:on|at) "
    + _PLATFORMS
    + r"|join (?:our|the) .{0,40}?"
    + _PLATFORMS
    + r"(?: channel| group| community)"
    + r"|(?:click|tap) here to (?:join|follow|subscribe)"
    + r"|síguenos en|suivez-nous sur|rejoignez notre|folgen sie uns|únete a nuestro"
    + r"|हमें .{0,30}(?:फॉलो|फ़ॉलो|लाइक|सब्सक्राइब|ज्वाइन|जॉइन) कर"
    + r"|"
    + _PLATFORMS
    + r".{0,30}(?:पर )?(?:हमें )?(?:फॉलो|फ़ॉलो|ज्वाइन|जॉइन|सब्सक्राइब|लाइक) कर)",
    _I,
)
# "Follow <outlet/author> on Twitter": only when that is the whole line (a sentence can start
# "Join the protest on Facebook, ...").
_SOCIAL_SHORT = re.compile(
    r"(?:also )?(?:follow|join) .{1,40}? on "
    + _PLATFORMS
    + r"(?:\s*(?:,|and|&|or)\s*"
    + _PLATFORMS
    + r")*(?: (?:for|to) .{0,60})?\W*",
    _I,
)
# a prompt line never reports speech
_REPORTING = re.compile(r"\b(?:said|says|told|urged|asked|added|according)\b", _I)
_NOW_ON = re.compile(r".{0,60}?\bis now on " + _PLATFORMS + r"\b", _I)
_CTA = re.compile(
    r"click here|tap here|join (?:our|us)|subscribe to (?:our|us)|follow us|stay updated|"
    r"download (?:our|the)",
    _I,
)
_APP = re.compile(
    r"(?:for (?:all )?(?:the )?latest .{0,80}?(?:news|updates).{0,20}?download .{0,60}?\bapp\b"
    r"|download (?:the )?.{0,60}?\bapp\b\W{0,3}$|(?:get|install) (?:the )?.{0,40}?\bapp\b\W{0,3}$"
    r"|.{0,60}ऐप डाउनलोड कर|डाउनलोड करें .{0,40}ऐप|descarga la app|téléchargez l'application"
    r"|laden sie die .{0,30}app)",
    _I,
)
_CREDIT_TOKEN = (
    r"\((?:file|file photo|file pic|file image|photo|express photo(?: by [^()\n]{1,50})?|"
    r"representational(?: image| photo| pic)?|representative(?: image| photo| pic)?|"
    r"(?:photo|image|pic|picture|foto|फोटो|तस्वीर)s?(?: credits?)?\s*[:/]\s*[^()\n]{1,50}|"
    r"फाइल|फाइल फोटो|फ़ाइल फोटो|प्रतीकात्मक(?: तस्वीर| फोटो)?|सांकेतिक(?: तस्वीर| फोटो)?|"
    r"archivo|foto de archivo|photo d'archives?|archives|archivbild|symbolbild)\)"
)
_CREDIT_INLINE = re.compile(r"\s*" + _CREDIT_TOKEN, _I)
_CREDIT_LINE = re.compile(
    r"(?:" + _CREDIT_TOKEN + r"|representative image|representational image|file photo|"
    r"(?:photo|image|pic|picture)s?(?: credits?)?\s*[:|]\s*.{1,60}|photo credit.{0,60}|"
    r"प्रतीकात्मक तस्वीर|प्रतीकात्मक फोटो|सांकेतिक तस्वीर|फाइल फोटो|फ़ाइल फोटो)",
    _I,
)
_CLICK_HERE = re.compile(r"(?:click|tap) here\b", _I)
# embedded tweet text (kept whatever it starts with: "#WATCH: ...", "Read more: https://t.co/")
_TWEET = re.compile(r"pic\.twitter\.com/|https?://t\.co/|(?:^|\s)[#@]\w|^[—–-]\s.*\(@\w+\)")

_FULL_STOP_END = re.compile(r"[.!।॥…](?:[\"'”’»)\]]*)$")
_SENT_SPLIT = re.compile(r"(?<=[.!?।॥])[\"'”’»)]*\s+")
_DATELINE = regex.compile(r"\p{L}[\p{L}\p{M}\p{N} .,'()\-]{0,40}\s*[:—–-]")
_WORDCHAR = re.compile(r"[^\W_]")  # a letter or digit (``_EDGE`` of old, in linear time)
_LEAD_JUNK = re.compile(r"^[^\w©(\"'“‘]+")
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
