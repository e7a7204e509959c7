"""The "Belay MicroPython" Jupyter kernel: every cell runs on the board, output streams back as it arrives."""
