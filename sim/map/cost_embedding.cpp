#include "models/riscv/kernels.hpp"
#include "sim/map/digital_cost.hpp"

namespace aimcsim {
namespace {

// An embedding lookup: the DMA copies each token's row of the table from L2 into L1.
class EmbeddingCost final : public DigitalOpCost {
 public:
  DigitalCost cost(const PmcaParams& p, const Operator& op, std::int64_t first,
                   std::int64_t end) const override {
    const std::int64_t rows = end - first;
    const std::int64_t bytes = rows * op.width * p.elem_bytes;
    DigitalCost c;
    c.duration = ns_to_ps(
        cycles_to_ns(static_cast<double>(dma_cycles(p, rows, op.width * p.elem_bytes)), p.freq_hz));
    c.energy.add("pmca.dma", p.e_dma_byte_pj * static_cast<double>(bytes));
    return c;
  }
};

}  // namespace

AIMCSIM_REGISTER(DigitalCostRegistry,
                 {"embedding", "table lookup as a DMA copy of the rows",
                  [] { return std::unique_ptr<DigitalOpCost>(new EmbeddingCost()); }, nullptr});

}  // namespace aimcsim
