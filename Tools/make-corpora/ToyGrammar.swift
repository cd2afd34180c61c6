/// The grammar of the toy English→German pair. German differs from English where a model must learn
/// it: noun gender and case on articles and adjectives (der/den/dem, großer/großen), plural forms,
/// verb-second order after a fronted adverb or clause ("Heute sieht der Hund …"), the verb at the end of
/// subordinate clauses ("…, weil der Hund den Ball sieht") and contractions ("im", "vom", "beim").
enum GrammaticalCase { case nominative, accusative, dative }

enum Determiner {
    case definite, indefinite, possessive(Adverb), numeral(Adverb), many
}

struct NounPhrase {
    let noun: Noun
    let plural: Bool
    let determiner: Determiner
    let adjectives: [Adjective]

    var english: [String] {
        let nounWord = plural ? noun.englishPlural : noun.english
        let rest = adjectives.map(\.english) + [nounWord]
        switch determiner {
        case .definite: return ["the"] + rest
        case .indefinite: return [("aeiou".contains(rest[0].first!) ? "an" : "a")] + rest
        case let .possessive(word): return word.english.split(separator: " ").map(String.init) + rest
        case let .numeral(word): return [word.english] + rest
        case .many: return ["many"] + rest
        }
    }

    func german(_ grammaticalCase: GrammaticalCase) -> [String] {
        let slot = plural ? 3 : noun.gender.rawValue  // m f n pl
        var nounWord = plural ? noun.germanPlural : noun.german
        if plural && grammaticalCase == .dative && !nounWord.hasSuffix("n") && !nounWord.hasSuffix("s") { nounWord += "n" }
        let article: String?
        let declension: Declension
        switch determiner {
        case .definite:
            article = Self.definite[grammaticalCase]![slot]
            declension = .weak
        case .indefinite:
            article = Self.indefinite[grammaticalCase]![slot]
            declension = .mixed
        case let .possessive(word):
            article = word.german + Self.possessiveEndings[grammaticalCase]![slot]
            declension = plural ? .weak : .mixed
        case let .numeral(word):
            article = word.german
            declension = .strong
        case .many:
            article = grammaticalCase == .dative ? "vielen" : "viele"
            declension = .strong
        }
        let ending = Self.adjectiveEnding(declension, grammaticalCase, slot)
        let adjectiveWords = adjectives.map { adjective -> String in
            let stem = adjective.german.hasSuffix("e") ? String(adjective.german.dropLast()) : adjective.german
            return stem + ending
        }
        return (article.map { [$0] } ?? []) + adjectiveWords + [nounWord]
    }

    enum Declension { case weak, mixed, strong }

    static let definite: [GrammaticalCase: [String]] = [
        .nominative: ["der", "die", "das", "die"], .accusative: ["den", "die", "das", "die"], .dative: ["dem", "der", "dem", "den"],
    ]
    static let indefinite: [GrammaticalCase: [String]] = [
        .nominative: ["ein", "eine", "ein", ""], .accusative: ["einen", "eine", "ein", ""], .dative: ["einem", "einer", "einem", ""],
    ]
    static let possessiveEndings: [GrammaticalCase: [String]] = [
        .nominative: ["", "e", "", "e"], .accusative: ["en", "e", "", "e"], .dative: ["em", "er", "em", "en"],
    ]

    static func adjectiveEnding(_ declension: Declension, _ grammaticalCase: GrammaticalCase, _ slot: Int) -> String {
        switch (declension, grammaticalCase) {
        case (.weak, .nominative): return slot == 3 ? "en" : "e"
        case (.weak, .accusative): return slot == 0 || slot == 3 ? "en" : "e"
        case (.mixed, .nominative): return ["er", "e", "es", "en"][slot]
        case (.mixed, .accusative): return ["en", "e", "es", "en"][slot]
        case (.strong, .nominative), (.strong, .accusative): return ["er", "e", "es", "e"][slot]
        case (_, .dative): return slot == 3 || declension != .strong ? "en" : ["em", "er", "em", "en"][slot]
        }
    }
}

/// A clause: subject, verb, optional object and prepositional phrase.
struct Clause {
    let subject: NounPhrase
    let verb: Verb
    let object: NounPhrase?
    let preposition: Adverb?
    let prepositionObject: NounPhrase?

    var english: [String] {
        var words = subject.english + [subject.plural ? verb.englishPlural : verb.english]
        if let object { words += object.english }
        words += englishPrepositionalPhrase
        return words
    }

    private var englishPrepositionalPhrase: [String] {
        guard let preposition, let prepositionObject else { return [] }
        return preposition.english.split(separator: " ").map(String.init) + prepositionObject.english
    }

    var germanVerb: String { subject.plural ? verb.germanPlural : verb.german }

    var germanObject: [String] { object?.german(.accusative) ?? [] }

    /// The prepositional phrase, with "in dem" → "im", "von dem" → "vom", "bei dem" → "beim".
    var germanPrepositionalPhrase: [String] {
        guard let preposition, let prepositionObject else { return [] }
        var phrase = prepositionObject.german(.dative)
        if phrase.first == "dem", let contracted = ["in": "im", "von": "vom", "bei": "beim"][preposition.german] {
            phrase[0] = contracted
            return phrase
        }
        return [preposition.german] + phrase
    }

    /// Main clause, verb second: subject, verb, object, place.
    var germanMain: [String] { subject.german(.nominative) + [germanVerb] + germanObject + germanPrepositionalPhrase }

    /// Main clause after a fronted element: verb, subject, object, place.
    var germanInverted: [String] { [germanVerb] + subject.german(.nominative) + germanObject + germanPrepositionalPhrase }

    /// Subordinate clause: subject, object, place, verb last.
    var germanSubordinate: [String] { subject.german(.nominative) + germanObject + germanPrepositionalPhrase + [germanVerb] }
}

/// Draws random sentence pairs from the grammar.
struct ToyGrammar {
    var rng: SplitMix64

    /// One (English, German) sentence pair, capitalised, with a final period.
    mutating func sentencePair() -> (english: String, german: String) {
        var english: [String]
        var german: [String]
        switch rng.int(in: 0...9) {
        case 0...2:
            let clause = self.clause()
            (english, german) = (clause.english, clause.germanMain)
        case 3, 4:
            let adverb = rng.pick(ToyLexicon.frontAdverbs)
            let clause = self.clause()
            english = adverb.english.split(separator: " ").map(String.init) + clause.english
            german = [adverb.german] + clause.germanInverted
        case 5, 6:
            let conjunction = rng.pick(ToyLexicon.conjunctions)
            let main = self.clause()
            let sub = self.clause()
            english = comma(main.english) + [conjunction.english] + sub.english
            german = comma(main.germanMain) + [conjunction.german] + sub.germanSubordinate
        case 7, 8:
            let conjunction = rng.pick(ToyLexicon.conjunctions)
            let sub = self.clause()
            let main = self.clause()
            english = [conjunction.english] + comma(sub.english) + main.english
            german = [conjunction.german] + comma(sub.germanSubordinate) + main.germanInverted
        default:
            let speaker = nounPhrase(animate: true)
            let verb = rng.pick(ToyLexicon.sayingVerbs)
            let sub = self.clause()
            english = speaker.english + [speaker.plural ? verb.englishPlural : verb.english, "that"] + sub.english
            german = comma(speaker.german(.nominative) + [speaker.plural ? verb.germanPlural : verb.german]) + ["dass"]
                + sub.germanSubordinate
        }
        return (finish(english), finish(german))
    }

    private func comma(_ words: [String]) -> [String] {
        var words = words
        words[words.count - 1] += ","
        return words
    }

    private func finish(_ words: [String]) -> String {
        let text = words.joined(separator: " ") + "."
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    mutating func clause() -> Clause {
        let subject = nounPhrase(animate: true)
        if rng.chance(0.7) {
            let verb = rng.pick(ToyLexicon.transitiveVerbs)
            let object = nounPhrase(animate: false)
            let (preposition, place) = rng.chance(0.3) ? prepositionalPhrase() : (nil, nil)
            return Clause(subject: subject, verb: verb, object: object, preposition: preposition, prepositionObject: place)
        }
        let verb = rng.pick(ToyLexicon.intransitiveVerbs)
        let (preposition, place) = rng.chance(0.6) ? prepositionalPhrase() : (nil, nil)
        return Clause(subject: subject, verb: verb, object: nil, preposition: preposition, prepositionObject: place)
    }

    private mutating func prepositionalPhrase() -> (Adverb, NounPhrase) {
        if rng.chance(0.4) {
            let place = ToyLexicon.nouns.filter { ToyLexicon.places.contains($0.english) }
            return (Adverb(english: "in", german: "in"), nounPhrase(from: place))
        }
        return (rng.pick(ToyLexicon.prepositions), nounPhrase(animate: false))
    }

    mutating func nounPhrase(animate: Bool) -> NounPhrase {
        let candidates = animate ? ToyLexicon.nouns.filter { ToyLexicon.animate.contains($0.english) } : ToyLexicon.nouns
        return nounPhrase(from: candidates)
    }

    private mutating func nounPhrase(from candidates: [Noun]) -> NounPhrase {
        let noun = rng.pick(candidates)
        let plural = rng.chance(0.3)
        let determiner: Determiner
        switch rng.int(in: 0...9) {
        case 0...4: determiner = .definite
        case 5...6: determiner = plural ? rng.pick([.many, .numeral(rng.pick(ToyLexicon.numerals))]) : .indefinite
        default: determiner = .possessive(rng.pick(ToyLexicon.possessives))
        }
        let adjectiveCount = [0, 0, 0, 1, 1, 2][rng.int(in: 0...5)]
        var adjectives: [Adjective] = []
        while adjectives.count < adjectiveCount {
            let adjective = rng.pick(ToyLexicon.adjectives)
            if !adjectives.contains(where: { $0.english == adjective.english }) { adjectives.append(adjective) }
        }
        return NounPhrase(noun: noun, plural: plural, determiner: determiner, adjectives: adjectives)
    }
}
