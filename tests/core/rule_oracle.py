r"""Every update rule written out again from its formula, apart from :mod:`core.optimizers`.

The engine's rules and the Learn page's worked steps both run the records of
:data:`core.optimizers.RULES`; this second, plain derivation is what they are checked
against, so it must never import them.

============  ==============================================================
gd            :math:`\Delta = -\eta g`
momentum      :math:`v \leftarrow \beta v + g,\ \Delta = -\eta v`
nesterov      :math:`v \leftarrow \beta v + g,\ \Delta = -\eta(\beta v + g)`
adagrad       :math:`G \leftarrow G + g^2,\ \Delta = -\eta g/(\sqrt G + \epsilon)`
rmsprop       :math:`s \leftarrow \rho s + (1-\rho) g^2,\ \Delta = -\eta g/(\sqrt s + \epsilon)`
adam          :math:`m \leftarrow \beta_1 m + (1-\beta_1) g,\
              v \leftarrow \beta_2 v + (1-\beta_2) g^2,\ \hat m = m/(1-\beta_1^t),\
              \hat v = v/(1-\beta_2^t),\ \Delta = -\eta\hat m/(\sqrt{\hat v} + \epsilon)`
lion          :math:`\Delta = -\eta\,\mathrm{sign}(\beta_1 m + (1-\beta_1) g),\
              m \leftarrow \beta_2 m + (1-\beta_2) g` (Chen et al., 2023, Algorithm 2,
              without weight decay)
============  ==============================================================
"""

import numpy as np

#: The state each rule's worked step names: ``v`` the velocity (heavy ball, Nesterov),
#: ``G`` the sum of squared gradients (AdaGrad), ``s`` their moving average (RMSProp),
#: ``m`` and ``v`` Adam's moment estimates and ``m_hat``, ``v_hat`` their corrected values.
RULE_STATE = {
    "gd": (),
    "momentum": ("v",),
    "nesterov": ("v",),
    "adagrad": ("G",),
    "rmsprop": ("s",),
    "adam": ("m", "v", "m_hat", "v_hat"),
    "lion": ("m",),
}

#: Hyperparameters away from the defaults, so a rule that ignored them would be caught.
RULE_PARAMS = {
    "gd": {},
    "momentum": {"beta": 0.7},
    "nesterov": {"beta": 0.6},
    "adagrad": {"eps": 1e-3},
    "rmsprop": {"rho": 0.8, "eps": 1e-7},
    "adam": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-7},
    "lion": {"beta_step": 0.7, "beta_momentum": 0.95},
}


def rule_step(
    rule: str, hyperparameters: dict, grad: np.ndarray, state: dict, rate: float, t: int
) -> tuple[np.ndarray, dict]:
    """One update of ``rule``: the step and the new state (keys in :data:`RULE_STATE`).

    Parameters
    ----------
    rule : str
    hyperparameters : dict
        Every hyperparameter of ``rule``.
    grad : ndarray of shape (n_params,)
    state : dict
        The state before the step (empty before the first: zeros).
    rate : float
    t : int
        The step's number, 1 for the first (Adam's bias correction).
    """
    h = hyperparameters
    zero = np.zeros_like(grad)
    if rule == "gd":
        return -rate * grad, {}
    if rule in ("momentum", "nesterov"):
        v = h["beta"] * state.get("v", zero) + grad
        ahead = h["beta"] * v + grad if rule == "nesterov" else v
        return -rate * ahead, {"v": v}
    if rule == "adagrad":
        total = state.get("G", zero) + grad**2
        return -rate * grad / (np.sqrt(total) + h["eps"]), {"G": total}
    if rule == "rmsprop":
        s = h["rho"] * state.get("s", zero) + (1.0 - h["rho"]) * grad**2
        return -rate * grad / (np.sqrt(s) + h["eps"]), {"s": s}
    if rule == "lion":
        m = state.get("m", zero)
        c = h["beta_step"] * m + (1.0 - h["beta_step"]) * grad
        direction = np.where(c > 0, 1.0, np.where(c < 0, -1.0, 0.0))
        return -rate * direction, {"m": h["beta_momentum"] * m + (1.0 - h["beta_momentum"]) * grad}
    m = h["beta1"] * state.get("m", zero) + (1.0 - h["beta1"]) * grad
    v = h["beta2"] * state.get("v", zero) + (1.0 - h["beta2"]) * grad**2
    m_hat = m / (1.0 - h["beta1"] ** t)
    v_hat = v / (1.0 - h["beta2"] ** t)
    return -rate * m_hat / (np.sqrt(v_hat) + h["eps"]), {
        "m": m,
        "v": v,
        "m_hat": m_hat,
        "v_hat": v_hat,
    }
