"""Place names that are not written any differently from other names: countries, US states,
continents, a few regions, and the name endings of places and organizations.

Data only (used by `assistant.answer.spans` to tell a place or an organization from a person).
A name missing here is still a candidate answer; it just gets no place type.
"""

from __future__ import annotations

COUNTRIES = frozenset(
    """Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan
    |Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia
    |Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Chad|Chile
    |China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark
    |Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|England|Eritrea|Estonia
    |Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Gaza|Georgia|Germany|Ghana|Greece
    |Greenland|Grenada|Guatemala|Guinea|Guyana|Haiti|Honduras|Hong Kong|Hungary|Iceland|India
    |Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya
    |Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania
    |Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Mauritania|Mauritius|Mexico
    |Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nepal|Netherlands
    |New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Northern Ireland|Norway
    |Oman|Pakistan|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal
    |Puerto Rico|Qatar|Romania|Russia|Rwanda|Samoa|San Marino|Saudi Arabia|Scotland|Senegal
    |Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa
    |South Korea|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan
    |Tajikistan|Tanzania|Thailand|Togo|Tonga|Trinidad|Tunisia|Turkey|Turkmenistan|Tuvalu
    |Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|Britain|Great Britain
    |United States|US|USA|U.S|U.S.|America|U.K|U.K.|Uruguay|Uzbekistan|Vanuatu|Vatican
    |Venezuela|Vietnam|Wales
    |West Bank|Yemen|Zambia|Zimbabwe""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)

US_STATES = frozenset(
    """Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia
    |Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts
    |Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey
    |New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania
    |Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington
    |West Virginia|Wisconsin|Wyoming|Washington, DC|Washington DC|District of Columbia
    """.replace("\n", "")
    .replace("    ", "")
    .split("|")
)

REGIONS = frozenset(
    """Africa|Antarctica|Arctic|Asia|Europe|North America|South America|Latin America|Oceania
    |Middle East|Caribbean|Scandinavia|Balkans|Southwest|Northeast|Southeast|Midwest|Northwest
    |Pacific|Atlantic|Mediterranean|Sahara|Siberia|Crimea|Donbas|Kyiv|Moscow|Beijing|London
    |Paris|Tokyo|Berlin|Rome|Madrid|Dubai|Jerusalem|Tel Aviv|Delhi|New Delhi|Mumbai|Sydney
    |Toronto|Los Angeles|Chicago|Houston|Miami|Las Vegas|San Francisco|Seattle|Boston|Atlanta
    |Dallas|Denver|Phoenix|Philadelphia|Detroit|Milwaukee|New Orleans|New York City|Manhattan
    |Brooklyn|Hollywood|Mexico City|Washington""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)

PLACES = COUNTRIES | US_STATES | REGIONS

PLACE_ENDINGS = frozenset(
    [
        "County",
        "City",
        "Island",
        "Islands",
        "Park",
        "Canyon",
        "Valley",
        "Mountains",
        "Mountain",
        "River",
        "Lake",
        "Sea",
        "Ocean",
        "Bay",
        "Beach",
        "Square",
        "Peninsula",
        "Province",
        "Coast",
        "Falls",
        "Desert",
        "Forest",
        "Strait",
        "Gulf",
        "Harbor",
        "Airport",
        "Village",
        "Heights",
        "Springs",
    ]
)

ORG_ENDINGS = frozenset(
    [
        "Inc",
        "Inc.",
        "Corp",
        "Corp.",
        "Co",
        "Co.",
        "Company",
        "Corporation",
        "Ltd",
        "LLC",
        "Group",
        "Airlines",
        "Airways",
        "Air",
        "Bank",
        "University",
        "College",
        "School",
        "Institute",
        "Association",
        "League",
        "Party",
        "Council",
        "Committee",
        "Commission",
        "Ministry",
        "Department",
        "Agency",
        "Administration",
        "Court",
        "Congress",
        "Senate",
        "House",
        "Network",
        "Foundation",
        "Motors",
        "Industries",
        "Entertainment",
        "Studios",
        "Records",
        "Pictures",
        "Media",
        "News",
        "Times",
        "Post",
        "Journal",
        "Society",
        "Union",
        "Federation",
        "Organization",
        "Organisation",
        "Service",
        "Services",
        "Authority",
        "Board",
        "Bureau",
        "Office",
        "Club",
        "FC",
        "Team",
        "Fund",
        "Trust",
        "Labs",
        "Technologies",
        "Systems",
        "Pharmaceuticals",
        "Brands",
        "Stores",
        "Restaurants",
        "Foods",
        "Capital",
        "Partners",
        "Holdings",
        "Guard",
        "Army",
        "Navy",
        "Force",
        "Forces",
        "Police",
    ]
)

PERSON_TITLES = frozenset(
    [
        "President",
        "Vice",
        "Sen",
        "Sen.",
        "Senator",
        "Rep",
        "Rep.",
        "Representative",
        "Gov",
        "Gov.",
        "Governor",
        "Mayor",
        "Dr",
        "Dr.",
        "Mr",
        "Mr.",
        "Mrs",
        "Mrs.",
        "Ms",
        "Ms.",
        "Prince",
        "Princess",
        "King",
        "Queen",
        "Pope",
        "Judge",
        "Justice",
        "Secretary",
        "Minister",
        "Prime",
        "Premier",
        "Chancellor",
        "Speaker",
        "Leader",
        "Lt",
        "Lt.",
        "Gen",
        "Gen.",
        "General",
        "Col",
        "Col.",
        "Capt",
        "Capt.",
        "Sgt",
        "Sgt.",
        "Sir",
        "Dame",
        "Lord",
        "Lady",
        "Chief",
        "Coach",
        "Director",
        "Commissioner",
        "Ambassador",
        "Attorney",
        "Former",
        "First",
        "Rev",
        "Sheikh",
        "Emperor",
        "Crown",
    ]
)

ALIASES = {
    alias: canonical
    for canonical, aliases in {
        "united states": ("us", "u.s", "usa", "u.s.a", "america", "united states of america"),
        "united kingdom": ("uk", "u.k", "britain", "great britain"),
        "united arab emirates": ("uae",),
        "european union": ("eu", "e.u"),
        "united nations": ("un", "u.n"),
        "republican party": ("gop", "republicans", "republican"),
        "democratic party": ("democrats", "democrat"),
    }.items()
    for alias in (canonical, *aliases)
}
"""The comparable key of names written several ways ("U.S." and "America" are one answer)."""

DEMONYMS = frozenset(
    """American|British|English|Scottish|Welsh|Irish|French|German|Italian|Spanish|Portuguese
    |Dutch|Belgian|Swiss|Austrian|Swedish|Norwegian|Danish|Finnish|Icelandic|Polish|Czech
    |Slovak|Hungarian|Romanian|Bulgarian|Greek|Turkish|Russian|Ukrainian|Belarusian|Serbian
    |Croatian|Bosnian|Albanian|Georgian|Armenian|Israeli|Palestinian|Lebanese|Syrian|Iraqi
    |Iranian|Saudi|Egyptian|Libyan|Moroccan|Algerian|Tunisian|Nigerian|Kenyan|Ethiopian
    |Somali|Sudanese|Ghanaian|South African|Chinese|Japanese|Korean|South Korean|North Korean
    |Taiwanese|Vietnamese|Thai|Filipino|Indonesian|Malaysian|Indian|Pakistani|Afghan
    |Bangladeshi|Sri Lankan|Nepalese|Australian|Canadian|Mexican|Brazilian|Argentine
    |Argentinian|Chilean|Colombian|Peruvian|Venezuelan|Cuban|Haitian|Puerto Rican|European
    |African|Asian|Latin American|Arab|Western|Eastern|Northern|Southern""".replace("\n", "")
    .replace("    ", "")
    .split("|")
)
"""Nationality and region adjectives: they describe an answer ("South Korean drama"), never are
one of the kinds asked."""
