"""Common personal names (given names and surnames) of Indian and international news.

Written in Latin script only: a Devanagari word is recognised as one of these names when it
sounds the same (:func:`storyline.entities.keys.vowel_key`), so ``रवि`` is ``Ravi`` without a
second list. Names that are also everyday Hindi or English words are listed separately
(``AMBIGUOUS_*``): they only count next to other name evidence.
"""

from __future__ import annotations

from storyline.entities.keys import is_deva, vowel_key

_GIVEN = """
aarti abhay abhishek aditi aditya ajay ajit akash akhilesh akshay alok aman amarinder amit
amitabh amol amrita anand anil anita anjali ankit ankita anupam anurag anushka arjun arun
aruna arvind arvinder ashok ashwini asha atul avinash ayesha azam babita baldev balbir
banwari bhagwant bhupendra bhupesh brijesh chandan chandra chandrababu chandrashekhar
chetan chirag deepa deepak deepika devendra dharmendra digvijay dilip dinesh divya
dushyant faiz farooq ganesh gaurav gautam geeta girish gopal govind gulam gurpreet harish
harsh harshvardhan hemant himanta hardik imran irfan jagan jagdish jairam jaishankar
jaswant jaya jayant jitendra jyotiraditya kailash kalpana kamal kamala kamalnath kapil
karan kavita keshav kiran kishore krishna kuldeep kumar kunal lakshmi lalit lalu lata
madhu mahendra mahesh mamata mamta manish manoj manohar mayawati meena meera mehbooba
mohan mohammad mohammed mukesh mukul murli nanda naresh narendra naveen navjot neeraj
neha nikhil nirmala nitin nitish omar omkar pankaj parvesh piyush pooja prakash pramod
prashant pratap praveen pravin preeti prem priya priyanka puneet rahul raj rajan rajeev
rajesh rajiv rajnath raju rakesh ram ramesh randeep ranjan rashmi ravi ravindra rekha
renu rohit sachin sadhvi sandeep sangeeta sanjay sanjeev santosh sarita satish saurabh
savita seema shankar shanti sharad shashi shatrughan shilpa shivraj shobha shyam siddharth
smriti sneha sonia subhash sudhir sukanta sukhbir sumit sunil sunita suresh surya sushil
sushma swati tejashwi tejasvi udhav uddhav uma umesh usha uttam vasundhara ved vijay
vikas vikram vinay vinod vipin virat vishal vivek yashwant yogendra yogesh yogi
abdul ahmed ali amir hassan hussain ismail khalid mustafa salman shahid tariq yusuf
anna carlos donald elena elodie emmanuel francois hans jean joe john jose juan klaus
maria marie marta michael pedro pierre sophie thomas vladimir xi
"""

_SURNAMES = """
adityanath agarwal agrawal ahluwalia akhtar ambani ansari awasthi azad bachchan badal
baghel banerjee bansal basu behera bhagat bhardwaj bhatia bhatt bhattacharya biswas
bommai chakraborty chandel chatterjee chaturvedi chauhan chaudhary chaudhry chavan
chopra chouhan chowdhury dasgupta deshmukh deshpande dhillon dixit dubey dwivedi fadnavis
gandhi garg gehlot ghosh gill goel gowda goyal gupta hegde iyer jadhav jaiswal jha joshi
kapoor kaur kejriwal khanna khattar kishor kishore kohli kulkarni kumari mahajan malhotra
malik mehra mehta mishra misra modi mukherjee naidu nair nath negi nehru pandey pandit
pandya patel patil patnaik pawar pillai prasad purohit rajput rana rathore rathod reddy
rawat saini saxena sahu shaikh sharma shekhawat shinde shukla siddiqui singh sinha
sisodia solanki soren srivastava surjewala swamy tandon thackeray tharoor tiwari tomar
trivedi tripathi upadhyay vadra varma verma vijayan yadav yediyurappa
"""

# Also everyday words (Hindi: das "servant"/"ten", lal "red", nayak "hero", pathak "reader",
# rai "opinion", shah "king", khan "mine", raja "king"; English: rose, bush...).
_AMBIGUOUS_SURNAMES = """
das lal nayak pathak rai rao shah khan raja thakur bose roy kumar ram sarkar sen
"""


def _phonetic_set(block: str) -> frozenset[str]:
    return frozenset(vowel_key(w) for w in block.split())


GIVEN: frozenset[str] = frozenset(_GIVEN.split())
SURNAMES: frozenset[str] = frozenset(_SURNAMES.split())
AMBIGUOUS_SURNAMES: frozenset[str] = frozenset(_AMBIGUOUS_SURNAMES.split())
GIVEN_PHONETIC: frozenset[str] = _phonetic_set(_GIVEN)
SURNAME_PHONETIC: frozenset[str] = _phonetic_set(_SURNAMES)
AMBIGUOUS_SURNAME_PHONETIC: frozenset[str] = _phonetic_set(_AMBIGUOUS_SURNAMES)


def is_given(word: str) -> bool:
    """Whether ``word`` is a common given name (Latin: as spelt; Devanagari: as it sounds)."""
    if is_deva(word):
        return vowel_key(word) in GIVEN_PHONETIC
    return word.lower() in GIVEN


def is_surname(word: str, *, ambiguous: bool = False) -> bool:
    """Whether ``word`` is a common surname; ``ambiguous`` also admits surnames that are
    everyday words too (``Das``, ``Lal``, ``पाठक``...)."""
    if is_deva(word):
        k = vowel_key(word)
        return k in SURNAME_PHONETIC or (ambiguous and k in AMBIGUOUS_SURNAME_PHONETIC)
    w = word.lower()
    return w in SURNAMES or (ambiguous and w in AMBIGUOUS_SURNAMES)
