/// The lexicon of the toy English→German pair: nouns with gender and plurals, adjectives, verbs with
/// third-person singular and plural forms, adverbs, prepositions and conjunctions. German words are
/// real German; weak nouns (den Jungen) and dative-object verbs are left out to keep the grammar small.
enum Gender: Int { case masculine = 0, feminine = 1, neuter = 2 }

struct Noun {
    let english: String
    let englishPlural: String
    let german: String
    let germanPlural: String
    let gender: Gender
}

struct Adjective {
    let english: String
    let german: String
}

struct Verb {
    let english: String        // third person singular: "sees"
    let englishPlural: String  // "see"
    let german: String         // third person singular: "sieht"
    let germanPlural: String   // "sehen"
}

struct Adverb {
    let english: String
    let german: String
}

enum ToyLexicon {
    static let nouns: [Noun] = [
        ("dog", "dogs", "Hund", "Hunde", Gender.masculine), ("cat", "cats", "Katze", "Katzen", .feminine),
        ("house", "houses", "Haus", "Häuser", .neuter), ("child", "children", "Kind", "Kinder", .neuter),
        ("man", "men", "Mann", "Männer", .masculine), ("woman", "women", "Frau", "Frauen", .feminine),
        ("ball", "balls", "Ball", "Bälle", .masculine), ("book", "books", "Buch", "Bücher", .neuter),
        ("car", "cars", "Auto", "Autos", .neuter), ("tree", "trees", "Baum", "Bäume", .masculine),
        ("flower", "flowers", "Blume", "Blumen", .feminine), ("bird", "birds", "Vogel", "Vögel", .masculine),
        ("girl", "girls", "Mädchen", "Mädchen", .neuter), ("son", "sons", "Sohn", "Söhne", .masculine),
        ("daughter", "daughters", "Tochter", "Töchter", .feminine), ("teacher", "teachers", "Lehrer", "Lehrer", .masculine),
        ("door", "doors", "Tür", "Türen", .feminine), ("window", "windows", "Fenster", "Fenster", .neuter),
        ("table", "tables", "Tisch", "Tische", .masculine), ("chair", "chairs", "Stuhl", "Stühle", .masculine),
        ("apple", "apples", "Apfel", "Äpfel", .masculine), ("letter", "letters", "Brief", "Briefe", .masculine),
        ("horse", "horses", "Pferd", "Pferde", .neuter), ("city", "cities", "Stadt", "Städte", .feminine),
        ("street", "streets", "Straße", "Straßen", .feminine), ("friend", "friends", "Freund", "Freunde", .masculine),
        ("doctor", "doctors", "Arzt", "Ärzte", .masculine), ("pupil", "pupils", "Schüler", "Schüler", .masculine),
        ("cook", "cooks", "Koch", "Köche", .masculine), ("farmer", "farmers", "Bauer", "Bauern", .masculine),
        ("king", "kings", "König", "Könige", .masculine), ("queen", "queens", "Königin", "Königinnen", .feminine),
        ("mouse", "mice", "Maus", "Mäuse", .feminine), ("cow", "cows", "Kuh", "Kühe", .feminine),
        ("fish", "fish", "Fisch", "Fische", .masculine), ("egg", "eggs", "Ei", "Eier", .neuter),
        ("bread", "breads", "Brot", "Brote", .neuter), ("cake", "cakes", "Kuchen", "Kuchen", .masculine),
        ("glass", "glasses", "Glas", "Gläser", .neuter), ("cup", "cups", "Tasse", "Tassen", .feminine),
        ("bottle", "bottles", "Flasche", "Flaschen", .feminine), ("key", "keys", "Schlüssel", "Schlüssel", .masculine),
        ("bag", "bags", "Tasche", "Taschen", .feminine), ("hat", "hats", "Hut", "Hüte", .masculine),
        ("shoe", "shoes", "Schuh", "Schuhe", .masculine), ("dress", "dresses", "Kleid", "Kleider", .neuter),
        ("picture", "pictures", "Bild", "Bilder", .neuter), ("song", "songs", "Lied", "Lieder", .neuter),
        ("river", "rivers", "Fluss", "Flüsse", .masculine), ("mountain", "mountains", "Berg", "Berge", .masculine),
        ("lake", "lakes", "See", "Seen", .masculine), ("garden", "gardens", "Garten", "Gärten", .masculine),
        ("park", "parks", "Park", "Parks", .masculine), ("school", "schools", "Schule", "Schulen", .feminine),
        ("kitchen", "kitchens", "Küche", "Küchen", .feminine), ("boat", "boats", "Boot", "Boote", .neuter),
        ("train", "trains", "Zug", "Züge", .masculine), ("bicycle", "bicycles", "Fahrrad", "Fahrräder", .neuter),
        ("village", "villages", "Dorf", "Dörfer", .neuter), ("island", "islands", "Insel", "Inseln", .feminine),
        ("lamp", "lamps", "Lampe", "Lampen", .feminine), ("bed", "beds", "Bett", "Betten", .neuter),
        ("box", "boxes", "Kiste", "Kisten", .feminine), ("clock", "clocks", "Uhr", "Uhren", .feminine),
        ("sister", "sisters", "Schwester", "Schwestern", .feminine), ("brother", "brothers", "Bruder", "Brüder", .masculine),
        ("painter", "painters", "Maler", "Maler", .masculine), ("singer", "singers", "Sängerin", "Sängerinnen", .feminine),
    ].map { Noun(english: $0.0, englishPlural: $0.1, german: $0.2, germanPlural: $0.3, gender: $0.4) }

    /// Nouns that can act (subjects of any verb).
    static let animate: Set<String> = [
        "dog", "cat", "child", "man", "woman", "bird", "girl", "son", "daughter", "teacher", "horse", "friend", "doctor",
        "pupil", "cook", "farmer", "king", "queen", "mouse", "cow", "fish", "sister", "brother", "painter", "singer",
    ]

    /// Nouns that are places (objects of "in").
    static let places: Set<String> = [
        "house", "city", "street", "river", "lake", "garden", "park", "school", "kitchen", "boat", "train", "village",
        "mountain", "island", "car",
    ]

    static let adjectives: [Adjective] = [
        ("big", "groß"), ("small", "klein"), ("old", "alt"), ("young", "jung"), ("red", "rot"), ("blue", "blau"),
        ("green", "grün"), ("black", "schwarz"), ("white", "weiß"), ("happy", "glücklich"), ("sad", "traurig"),
        ("fast", "schnell"), ("slow", "langsam"), ("new", "neu"), ("beautiful", "schön"), ("tired", "müde"),
        ("clever", "klug"), ("loud", "laut"), ("quiet", "still"), ("friendly", "freundlich"), ("strange", "seltsam"),
        ("hungry", "hungrig"), ("brave", "mutig"), ("heavy", "schwer"), ("light", "leicht"), ("warm", "warm"),
        ("cold", "kalt"), ("clean", "sauber"), ("dirty", "schmutzig"), ("rich", "reich"), ("poor", "arm"),
        ("yellow", "gelb"), ("lazy", "faul"), ("funny", "lustig"), ("wild", "wild"),
    ].map { Adjective(english: $0.0, german: $0.1) }

    static let transitiveVerbs: [Verb] = [
        ("sees", "see", "sieht", "sehen"), ("finds", "find", "findet", "finden"), ("buys", "buy", "kauft", "kaufen"),
        ("reads", "read", "liest", "lesen"), ("carries", "carry", "trägt", "tragen"), ("likes", "like", "mag", "mögen"),
        ("eats", "eat", "isst", "essen"), ("holds", "hold", "hält", "halten"), ("brings", "bring", "bringt", "bringen"),
        ("visits", "visit", "besucht", "besuchen"), ("loves", "love", "liebt", "lieben"), ("washes", "wash", "wäscht", "waschen"),
        ("paints", "paint", "malt", "malen"), ("builds", "build", "baut", "bauen"), ("opens", "open", "öffnet", "öffnen"),
        ("sells", "sell", "verkauft", "verkaufen"), ("hears", "hear", "hört", "hören"), ("knows", "know", "kennt", "kennen"),
        ("needs", "need", "braucht", "brauchen"), ("catches", "catch", "fängt", "fangen"), ("draws", "draw", "zeichnet", "zeichnen"),
        ("cleans", "clean", "putzt", "putzen"), ("searches", "search", "durchsucht", "durchsuchen"), ("forgets", "forget", "vergisst", "vergessen"),
    ].map { Verb(english: $0.0, englishPlural: $0.1, german: $0.2, germanPlural: $0.3) }

    static let intransitiveVerbs: [Verb] = [
        ("sleeps", "sleep", "schläft", "schlafen"), ("runs", "run", "läuft", "laufen"), ("laughs", "laugh", "lacht", "lachen"),
        ("sings", "sing", "singt", "singen"), ("waits", "wait", "wartet", "warten"), ("plays", "play", "spielt", "spielen"),
        ("works", "work", "arbeitet", "arbeiten"), ("dances", "dance", "tanzt", "tanzen"), ("swims", "swim", "schwimmt", "schwimmen"),
        ("cries", "cry", "weint", "weinen"), ("sits", "sit", "sitzt", "sitzen"), ("lives", "live", "wohnt", "wohnen"),
    ].map { Verb(english: $0.0, englishPlural: $0.1, german: $0.2, germanPlural: $0.3) }

    /// Verbs that take a "that" clause.
    static let sayingVerbs: [Verb] = [
        ("says", "say", "sagt", "sagen"), ("thinks", "think", "denkt", "denken"), ("knows", "know", "weiß", "wissen"),
        ("hopes", "hope", "hofft", "hoffen"), ("believes", "believe", "glaubt", "glauben"),
    ].map { Verb(english: $0.0, englishPlural: $0.1, german: $0.2, germanPlural: $0.3) }

    /// Adverbs that can open a sentence (German then puts the verb second, before the subject).
    static let frontAdverbs: [Adverb] = [
        ("today", "heute"), ("tomorrow", "morgen"), ("now", "jetzt"), ("often", "oft"), ("sometimes", "manchmal"),
        ("later", "später"), ("here", "hier"), ("there", "dort"), ("unfortunately", "leider"), ("of course", "natürlich"),
    ].map { Adverb(english: $0.0, german: $0.1) }

    /// Subordinating conjunctions (German puts the clause's verb last).
    static let conjunctions: [Adverb] = [
        ("because", "weil"), ("although", "obwohl"), ("when", "wenn"), ("while", "während"), ("if", "falls"),
    ].map { Adverb(english: $0.0, german: $0.1) }

    /// Prepositions with the dative: English, German.
    static let prepositions: [Adverb] = [
        ("with", "mit"), ("near", "bei"), ("behind", "hinter"), ("next to", "neben"), ("from", "von"),
    ].map { Adverb(english: $0.0, german: $0.1) }

    /// Possessive determiners (declined like "ein").
    static let possessives: [Adverb] = [
        ("my", "mein"), ("your", "dein"), ("his", "sein"), ("her", "ihr"), ("our", "unser"),
    ].map { Adverb(english: $0.0, german: $0.1) }

    /// Numerals for plural noun phrases (no German article; strong adjective endings).
    static let numerals: [Adverb] = [("two", "zwei"), ("three", "drei"), ("four", "vier"), ("five", "fünf")]
        .map { Adverb(english: $0.0, german: $0.1) }
}
