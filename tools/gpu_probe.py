#!/usr/bin/env python3
"""Helpers of tools/gpu-check.sh (python3 only; torch for the reference).

  gpu_probe.py load FATBIN...        cuModuleLoadData each kernel image on GPU 0 through the CUDA
                                     driver API (ctypes, libcuda.so.1); prints the driver's answer.
                                     Exit 1 when any image fails to load.
  gpu_probe.py compare A.jsonl B.jsonl TOL AGREE
                                     two `score --input` outputs of the same file: mean and max
                                     |score difference|, share of equal anomaly flags; exit 1 when
                                     the mean exceeds TOL or the share is below AGREE.
  gpu_probe.py torch [--peak-tflops T] [--iterations N]
                                     REFERENCE, NOT THE PRODUCT: the trainer's WGAN-GP iteration
                                     (critic 32-256-256-1, generator 16-256-256-32, LeakyReLU 0.2,
                                     batch 4096, 5 critic steps with the gradient penalty at the
                                     interpolates, 1 generator step, Adam) in PyTorch fp32 on the GPU
                                     and on the CPU: samples/s, the gemm FLOPs counted as
                                     `bench train` counts them, share of the peak.
"""
import ctypes, json, sys, time


def load(paths):
    cuda = ctypes.CDLL("libcuda.so.1")
    def name(rc):
        s = ctypes.c_char_p()
        cuda.cuGetErrorName(rc, ctypes.byref(s))
        return s.value.decode() if s.value else str(rc)
    rc = cuda.cuInit(0)
    if rc:
        print(f"cuInit: {name(rc)}")
        return 1
    dev = ctypes.c_int()
    cuda.cuDeviceGet(ctypes.byref(dev), 0)
    major, minor = ctypes.c_int(), ctypes.c_int()
    cuda.cuDeviceGetAttribute(ctypes.byref(major), 75, dev)  # COMPUTE_CAPABILITY_MAJOR
    cuda.cuDeviceGetAttribute(ctypes.byref(minor), 76, dev)
    ver = ctypes.c_int()
    cuda.cuDriverGetVersion(ctypes.byref(ver))
    print(f"GPU 0 compute capability {major.value}.{minor.value}, driver CUDA version {ver.value}")
    ctx = ctypes.c_void_p()
    rc = cuda.cuDevicePrimaryCtxRetain(ctypes.byref(ctx), dev)
    rc = rc or cuda.cuCtxSetCurrent(ctx)
    if rc:
        print(f"context: {name(rc)}")
        return 1
    worst = 0
    for p in paths:
        data = open(p, "rb").read()
        buf = ctypes.create_string_buffer(data, len(data))
        mod = ctypes.c_void_p()
        rc = cuda.cuModuleLoadData(ctypes.byref(mod), buf)
        print(f"cuModuleLoadData({p}, {len(data)} bytes): {'CUDA_SUCCESS' if rc == 0 else name(rc)} ({rc})")
        if rc == 0:
            cuda.cuModuleUnload(mod)
        elif "control" not in p:
            worst = 1
    return worst


def compare(a, b, tol, agree):
    def rows(p):
        return [json.loads(line) for line in open(p) if line.strip()]
    ra, rb = rows(a), rows(b)
    if len(ra) != len(rb) or not ra:
        print(f"different or no rows: {len(ra)} vs {len(rb)}")
        return 1
    d = [abs(x["score"] - y["score"]) for x, y in zip(ra, rb)]
    same = sum(1 for x, y in zip(ra, rb) if x["anomaly"] == y["anomaly"]) / len(ra)
    fa = sum(1 for x in ra if x["anomaly"])
    fb = sum(1 for y in rb if y["anomaly"])
    mean = sum(d) / len(d)
    print(f"{len(ra)} rows: mean |score difference| {mean:.4f} (tolerance {tol}), max {max(d):.4f}; "
          f"anomaly flags equal on {100 * same:.1f} % (need {100 * agree:.1f} %); flagged {fa} vs {fb}")
    return 0 if mean <= tol and same >= agree else 1


def torch_reference(argv):
    import torch
    peak = float(argv[argv.index("--peak-tflops") + 1]) if "--peak-tflops" in argv else 67.0
    iters = int(argv[argv.index("--iterations") + 1]) if "--iterations" in argv else 20
    F, L, H, B, NC = 32, 16, 256, 4096, 5
    torch.backends.cuda.matmul.allow_tf32 = False  # plain fp32, comparable with the fp32 peak
    torch.backends.cudnn.allow_tf32 = False
    c = [F, H, H, 1]
    g = [L, H, H, F]
    macs = lambda s, a, b: sum(s[i] * s[i + 1] for i in range(a, b))
    lc, lg = len(c) - 1, len(g) - 1
    crit_fl = 2 * B * (macs(g, 0, lg) + 7 * macs(c, 0, lc) + 2 * macs(c, 1, lc) + macs(c, 0, lc - 1))
    gen_fl = 2 * B * (3 * macs(g, 0, lg) + 2 * macs(c, 0, lc))
    it_fl = NC * crit_fl + gen_fl

    def mlp(s):
        layers = []
        for i in range(len(s) - 1):
            layers.append(torch.nn.Linear(s[i], s[i + 1]))
            if i < len(s) - 2:
                layers.append(torch.nn.LeakyReLU(0.2))
        return torch.nn.Sequential(*layers)

    def run(device, n):
        torch.manual_seed(1)
        D, G = mlp(c).to(device), mlp(g).to(device)
        od = torch.optim.Adam(D.parameters(), lr=1e-4, betas=(0.0, 0.9))
        og = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.0, 0.9))
        real = torch.randn(B, F, device=device)
        z = torch.randn(B, L, device=device)

        def critic_step():
            fake = G(z).detach()
            eps = torch.rand(B, 1, device=device)
            xh = (fake + eps * (real - fake)).requires_grad_(True)
            out = D(torch.cat([real, fake, xh]))
            gx, = torch.autograd.grad(out[2 * B:].sum(), xh, create_graph=True)
            loss = out[B:2 * B].mean() - out[:B].mean() + 10.0 * ((gx.norm(dim=1) - 1) ** 2).mean()
            od.zero_grad(set_to_none=True)
            loss.backward()
            od.step()

        def gen_step():
            loss = -D(G(z)).mean()
            og.zero_grad(set_to_none=True)
            loss.backward()
            og.step()

        def iteration():
            for _ in range(NC):
                critic_step()
            gen_step()

        sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
        for _ in range(3):
            iteration()
        sync()
        t0 = time.perf_counter()
        for _ in range(n):
            iteration()
        sync()
        dt = (time.perf_counter() - t0) / n
        return dt

    print(f"REFERENCE (PyTorch {torch.__version__}, not earthmover's trainer): critic {'-'.join(map(str, c))}, "
          f"generator {'-'.join(map(str, g))}, batch {B}, {NC} critic steps + 1 generator step, fp32 (TF32 off); "
          f"{it_fl / 1e9:.1f} GFLOP gemm per iteration")
    res = {}
    if torch.cuda.is_available():
        dt = run("cuda", iters)
        res["gpu"] = dt
        print(f"torch gpu ({torch.cuda.get_device_name(0)}): {1e3 * dt:.2f} ms/iteration, {B * NC / dt:,.0f} samples/s, "
              f"{it_fl / dt / 1e12:.2f} TFLOP/s = {100 * it_fl / dt / 1e12 / peak:.1f} % of {peak} TFLOP/s")
    torch.set_num_threads(torch.get_num_threads())
    dt = run("cpu", max(2, iters // 10))
    res["cpu"] = dt
    print(f"torch cpu ({torch.get_num_threads()} threads): {1e3 * dt:.2f} ms/iteration, {B * NC / dt:,.0f} samples/s, "
          f"{it_fl / dt / 1e9:.1f} GFLOP/s")
    if "gpu" in res:
        print(f"torch speed-up gpu/cpu: {res['cpu'] / res['gpu']:.1f}x")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cmd = sys.argv[1]
    if cmd == "load":
        sys.exit(load(sys.argv[2:]))
    if cmd == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])))
    if cmd == "torch":
        sys.exit(torch_reference(sys.argv[2:]))
    raise SystemExit(__doc__)
