"""OWL 2 RL reasoning: the compiled rules (fast) and owlrl (the reference)."""
