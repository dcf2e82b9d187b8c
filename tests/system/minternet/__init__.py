"""minternet: a hermetic mini-internet of real DNS servers on loopback."""
