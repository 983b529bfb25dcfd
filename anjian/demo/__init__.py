"""The demo data set (`anjian init-demo`): the real organisation of Wenling, one demo account per
role, and synthetic subjects and hazards, all flagged `is_synthetic`."""
