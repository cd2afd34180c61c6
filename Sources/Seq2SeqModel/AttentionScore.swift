/// `model.attention` in a recipe.
public enum AttentionScore: String, Sendable, Codable, CaseIterable {
    case bahdanau
    case luongGeneral = "luong_general"
    case luongDot = "luong_dot"
    /// No attention: the plain encoder–decoder (Sutskever et al. 2014, Cho et al. 2014). The decoder sees
    /// the source only through the bridge's first state, so everything it needs must travel through the
    /// recurrence: the setting in which gradients to early source tokens vanish. The attentional vector
    /// becomes ã_t = tanh(h_t·W_c + b_c) (no context columns), and input feeding carries it as before.
    case none
}

/// The decoder's attention from a configuration; nil for `none`.
func makeAttention(store: ParameterStore, configuration c: ModelConfiguration) -> (any AttentionMechanism)? {
    switch c.attention {
    case .bahdanau: return BahdanauAttention(store: store)
    case .luongGeneral, .luongDot: return LuongAttention(store: store, configuration: c)
    case .none: return nil
    }
}

func attentionShapes(_ c: ModelConfiguration) -> [(String, Int, Int)] {
    switch c.attention {
    case .bahdanau: return BahdanauAttention.shapes(c)
    case .luongGeneral, .luongDot: return LuongAttention.shapes(c)
    case .none: return []
    }
}
