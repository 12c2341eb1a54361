"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

Adam's L2 penalty λθ enters the gradient and is then divided by √v̂ like the rest of it, so weights
with large gradients are barely decayed. AdamW shrinks every weight by the same factor (1 - γλ)
outside the adaptive step instead. The kernel and twin are Adam's (adam.py, ``decoupled=True``).
"""

from minigrad.optim.adam import Adam


class AdamW(Adam):
    r"""AdamW, as torch.optim.AdamW (optionally AMSGrad). For each weight, with gradient g_t:

    θ_{t-1} ← θ_{t-1} - γ λ θ_{t-1}           decoupled decay (λ = weight_decay, γ = lr)
    m_t ← β₁ m_{t-1} + (1 - β₁) g_t
    v_t ← β₂ v_{t-1} + (1 - β₂) g_t²
    v_t^max ← max(v_{t-1}^max, v_t)          amsgrad only; then v_t := v_t^max below
    θ_t ← θ_{t-1} - γ (m_t / (1 - β₁^t)) / (√(v_t / (1 - β₂^t)) + ε)
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None):  # fmt: skip
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable, differentiable=differentiable,
                         fused=fused, decoupled_weight_decay=True)  # fmt: skip
