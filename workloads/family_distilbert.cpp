#include "workloads/family.hpp"

namespace aimcsim {
namespace {

// DistilBERT (HF DistilBertModel): a six-layer post-norm BERT with its own field names (dim,
// n_layers, n_heads, hidden_dim, activation) and module names (q_lin ... out_lin, ffn.lin1/2),
// learned or sinusoidal positions added to the word embedding, no token types. Its
// classification head is pre_classifier and ReLU before the classifier.
class DistilBertFamily final : public WorkloadFamily {
 public:
  bool decoder() const override { return false; }

  ModelShape read(const ConfigFields& f) const override {
    ModelShape m;
    m.hidden = f.integer("dim");
    m.layers = f.integer("n_layers");
    m.heads = f.integer("n_heads");
    m.kv_heads = m.heads;
    m.intermediate = f.integer("hidden_dim");
    m.vocab = f.integer("vocab_size");
    m.max_positions = f.integer_or("max_position_embeddings", 0);
    m.activation = read_activation(f, "activation", "gelu");
    m.norm = "layernorm";
    m.options["pooler"] = 2;  // pre_classifier and ReLU
    m.head_dim = head_width(f, "n_heads", m.heads, m.hidden, "dim");
    return m;
  }

  void build(GraphBuilder& g, const ModelShape& m, std::int64_t tokens,
             std::int64_t) const override {
    BertNames n;
    n.embed_norm = "embeddings.LayerNorm";
    n.query = "attention.q_lin";
    n.key = "attention.k_lin";
    n.value = "attention.v_lin";
    n.attention = "attention.";
    n.attention_out = "attention.out_lin";
    n.attention_add = "attention.add";
    n.attention_norm = "sa_layer_norm";
    n.ffn = {"ffn.lin1", "ffn.act", "ffn.lin2"};
    n.ffn_add = "ffn.add";
    n.ffn_norm = "output_layer_norm";
    build_bert_style(g, m, tokens, n);
  }
};

AIMCSIM_REGISTER(FamilyRegistry,
                 {"distilbert", "DistilBERT encoder (six post-norm layers) with a SQuAD QA head",
                  [] { return std::unique_ptr<WorkloadFamily>(new DistilBertFamily()); }, nullptr});

}  // namespace
}  // namespace aimcsim
