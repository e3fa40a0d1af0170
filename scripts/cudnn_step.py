"""One training step of one recurrent layer through PyTorch (cuDNN on a GPU), as `rnn bench` and torchref's bench
time it: forward over T steps from a zero state, loss = sum of the outputs, backward to the parameters (the input
needs no gradient); float32; median of 10 steps after 3 warm-ups, once with cuDNN held to true float32 math and once
with TF32 tensor cores allowed (PyTorch's default for cuDNN). Usage: python3 cudnn_step.py CELL I H T B"""
import statistics
import sys
import time

try:
    import torch
except ImportError:
    print("cudnn_step: PyTorch is not installed here")
    sys.exit(0)

cell, i, h, t, b = sys.argv[1], *map(int, sys.argv[2:6])
device = "cuda" if torch.cuda.is_available() else "cpu"
layers = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
if cell not in layers:
    sys.exit(f"cudnn_step: cell must be one of {sorted(layers)}, not '{cell}'")
torch.manual_seed(1)
layer = layers[cell](i, h).to(device)
x = torch.rand(t, b, i, device=device) * 2 - 1


def step():
    layer.zero_grad(set_to_none=False)
    y, _ = layer(x)
    y.sum().backward()
    if device == "cuda":
        torch.cuda.synchronize()


for tf32 in (False, True):
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cuda.matmul.allow_tf32 = tf32
    for _ in range(3):
        step()
    times = []
    for _ in range(10):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    median = statistics.median(times) * 1000
    math = "tf32" if tf32 else "fp32"
    print(f"torch {torch.__version__} {device} cudnn={torch.backends.cudnn.enabled} {math} {cell} I={i} H={h} T={t} B={b}: median {median:.3f} ms")
