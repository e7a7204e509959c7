"""The virtual board: the real MicroPython unix port behind a pseudo-terminal, behaving like a USB board."""
