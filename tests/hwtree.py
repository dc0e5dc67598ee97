"""hwtree.py - read a device tree blob with dtc's fdtget, for comparing what the hypervisor
prints with the tree QEMU generated. Only what the tests need: node walk, typed properties,
"reg"/"ranges" decoding and address translation up to the root."""
import subprocess
from functools import lru_cache


class Tree:
    def __init__(self, path):
        self.path = str(path)

    def _fdtget(self, *args):
        r = subprocess.run(["fdtget", *args], capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout

    # --- structure ----------------------------------------------------------------------------
    @lru_cache(maxsize=None)
    def subnodes(self, node):
        rc, out = self._fdtget("-l", self.path, node)
        return [] if rc else out.split()

    @lru_cache(maxsize=None)
    def properties(self, node):
        rc, out = self._fdtget("-p", self.path, node)
        return [] if rc else out.split()

    def walk(self, node="/"):
        """Every node path, depth first in tree order (like libfdt's offset order)."""
        yield node
        for sub in self.subnodes(node):
            yield from self.walk(node.rstrip("/") + "/" + sub)

    @staticmethod
    def parent(node):
        p = node.rsplit("/", 1)[0]
        return p or "/"

    @staticmethod
    def name(node):
        return node.rsplit("/", 1)[1]

    # --- properties ---------------------------------------------------------------------------
    def has(self, node, prop):
        return prop in self.properties(node)

    @lru_cache(maxsize=None)
    def cells(self, node, prop):
        rc, out = self._fdtget("-t", "x", self.path, node, prop)
        return None if rc else [int(v, 16) for v in out.split()]

    @lru_cache(maxsize=None)
    def strings(self, node, prop):
        """A string-list property; values never contain spaces in the trees we read."""
        rc, out = self._fdtget("-t", "s", self.path, node, prop)
        return None if rc else out.split()

    def string(self, node, prop):
        s = self.strings(node, prop)
        return s[0] if s else None

    @lru_cache(maxsize=None)
    def text(self, node, prop):
        """A single string property as is (may contain spaces)."""
        rc, out = self._fdtget("-t", "s", self.path, node, prop)
        return None if rc else out.rstrip("\n")

    def u32(self, node, prop):
        c = self.cells(node, prop)
        return c[0] if c else None

    # --- queries ------------------------------------------------------------------------------
    def by_prop(self, prop, value):
        return [n for n in self.walk() if self.has(n, prop) and value in self.strings(n, prop)]

    def by_type(self, device_type):
        return [n for n in self.walk()
                if self.has(n, "device_type") and self.string(n, "device_type") == device_type]

    def compatible(self, compat):
        return self.by_prop("compatible", compat)

    def addr_cells(self, bus):
        c = self.cells(bus, "#address-cells")
        return c[0] if c else 2

    def size_cells(self, bus):
        c = self.cells(bus, "#size-cells")
        return c[0] if c else 1

    @staticmethod
    def number(cells):
        v = 0
        for c in cells:
            v = (v << 32) | c
        return v

    def reg(self, node):
        """[(addr, size)] in the parent bus's address space."""
        bus = self.parent(node)
        ac, sc = self.addr_cells(bus), self.size_cells(bus)
        cells = self.cells(node, "reg") or []
        step = ac + sc
        return [(self.number(cells[i:i + ac]), self.number(cells[i + ac:i + step]))
                for i in range(0, len(cells) - step + 1, step)]

    def ranges(self, bus):
        """[(child, parent, size)] of a simple bus's "ranges"."""
        ac, sc = self.addr_cells(bus), self.size_cells(bus)
        pac = self.addr_cells(self.parent(bus))
        cells = self.cells(bus, "ranges") or []
        step = ac + pac + sc
        return [(self.number(cells[i:i + ac]), self.number(cells[i + ac:i + ac + pac]),
                 self.number(cells[i + ac + pac:i + step]))
                for i in range(0, len(cells) - step + 1, step)]

    def translate(self, node, addr):
        """Translate an address of node's parent bus to a CPU physical address."""
        bus = self.parent(node)
        while bus != "/":
            if self.has(bus, "ranges"):
                for child, parent, size in self.ranges(bus):
                    if child <= addr < child + size:
                        addr = addr - child + parent
                        break
                else:
                    if self.cells(bus, "ranges"):
                        raise ValueError(f"{addr:#x} not in the ranges of {bus}")
            bus = self.parent(bus)
        return addr

    def reg_phys(self, node, i=0):
        addr, size = self.reg(node)[i]
        return self.translate(node, addr), size
