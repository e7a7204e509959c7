"""The background jobs' board helper on a real virtual board, without a kernel process: frames never cut records."""

import threading

from belay_engine.cells import run_cell
from belay_jupyter.kernel.background import BackgroundJobs

TIMEOUT = 30


class FakeKernel:
    """What BackgroundJobs and CellOutput use of the kernel: messages are collected by parent."""

    iopub_socket = None
    log = None

    def __init__(self):
        self.sent = []
        self.lock = threading.Lock()
        self.session = self
        self.parent = {"header": {"msg_id": "job-cell"}}

    def get_parent(self, channel=None):
        return self.parent

    def _topic(self, topic):
        return topic.encode()

    def _cell_line(self, name, line):
        return None

    def send(self, socket, msg_type, content, parent, ident):
        with self.lock:
            self.sent.append((parent["header"]["msg_id"], msg_type, content))

    def text(self, msg_id):
        with self.lock:
            return "".join(c["text"] for p, t, c in self.sent if p == msg_id and t == "stream")


class Collect:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_a_printing_job_does_not_cut_big_values_or_the_cells_output(device):
    kernel = FakeKernel()
    jobs = BackgroundJobs(kernel)
    job = jobs.start(device, "i = 0\nwhile i < 300:\n    i += 1\n    print('tick', i)\n", "<cell 1>")
    kernel.parent = {"header": {"msg_id": "other"}}
    for round_ in range(15):
        out = Collect()
        result = run_cell(
            device.session,
            f"print('cell', {round_})\ns = 'v' * 3000\n[s, list(range(300)), {round_}]",
            stream_out=jobs.wrap(out),
        )
        assert out.text == f"cell {round_}\n"
        assert result.value_repr == repr(["v" * 3000, list(range(300)), round_])
    assert jobs.wait(job.id, TIMEOUT)
    assert kernel.text("job-cell") == "".join(f"tick {i}\n" for i in range(1, 301))
    assert job.state == "done"
    assert jobs.listing() == "[1] done     <cell 1>  i = 0"
