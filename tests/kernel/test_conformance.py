"""The Jupyter project's kernel conformance suite, run against the Belay MicroPython kernel."""

import jupyter_kernel_test


class BelayKernelConformance(jupyter_kernel_test.KernelTests):
    """The one test class allowed by house style: jupyter_kernel_test is built on unittest classes."""

    kernel_name = "belay"
    language_name = "python"
    file_extension = ".py"

    code_hello_world = "print('hello, world')"
    code_generate_error = "raise ValueError('expected')"
    code_execute_result = [{"code": "6 * 7", "result": "42"}, {"code": "'a' + 'b'", "result": "'ab'"}]
    completion_samples = [{"text": "pri", "matches": {"print"}}]
    complete_code_samples = ["1 + 1", "x = [1, 2]", "def f():\n    return 1\n\n"]
    incomplete_code_samples = ["for i in range(3):", "x = [1,", "def f():"]
    invalid_code_samples = ["x = )", "1 +* 2"]
    code_inspect_sample = "print"
