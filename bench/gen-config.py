#!/usr/bin/env python3
"""Generate a board with N CPUs (QEMU ppce500's tree, more CPUs and 2 GiB RAM) and an N-partition
config for it: one CPU and 16 MiB each, a console channel on the UART mux, a doorbell to the next
partition, partition 0 managing the rest, three devices spread over the first partitions.
Usage: gen-config.py N HW.dts CFG.dts"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MIB = 1 << 20


def hw_tree(n):
    src = (ROOT / 'tests/configs/hw/qemu-ppce500.dts').read_text()
    cpus = ''.join('\t\tcpu@%d {\n\t\t\tdevice_type = "cpu";\n\t\t\treg = <%d>;\n'
                   '\t\t\tstatus = "okay";\n\t\t};\n' % (i, i) for i in range(n))
    src = re.sub(r'\tcpus \{.*?\n\t\};\n', '\tcpus {\n\t\t#size-cells = <0x00>;\n'
                 '\t\t#address-cells = <0x01>;\n%s\t};\n' % cpus, src, flags=re.S)
    return src.replace('reg = <0x00 0x00 0x00 0x20000000>;', 'reg = <0x00 0x00 0x00 0x80000000>;')


def partition(i, n):
    devs = {1: 'i2c', 2: '/soc@fe0000000/gpio@ff000', 3: 'pci0'}
    out = ['\tpart%d: part%d {' % (i, i), '\t\tcompatible = "partition";',
           '\t\tlabel = "guest%d";' % i, '\t\tcpus = <%d 1>;' % i,
           '\t\tguest-image = <0x0 0x%x 0x0 0x0 0x0 0x100000>;' % (0x70000000 + i * MIB),
           '\t\tdtb-window = <0x0 0x800000 0x0 0x10000>;']
    if i:
        out.append('\t\tno-auto-start;')
    out += ['\t\tmem {', '\t\t\tcompatible = "guest-phys-mem-area";',
            '\t\t\tphys-mem = <&pma%d>;' % i, '\t\t\tguest-addr = <0x0 0x0>;', '\t\t};',
            '\t\tbc%d: console {' % i, '\t\t\tcompatible = "byte-channel";',
            '\t\t\tendpoint = <&mux>;', '\t\t\tmux-channel = <%d>;' % (i + 1), '\t\t};',
            '\t\tring {', '\t\t\tcompatible = "send-doorbell";',
            '\t\t\tglobal-doorbell = <&db%d>;' % ((i + 1) % n), '\t\t};',
            '\t\thear {', '\t\t\tcompatible = "receive-doorbell";',
            '\t\t\tglobal-doorbell = <&db%d>;' % i, '\t\t};']
    if i in devs:
        out += ['\t\tdev {', '\t\t\tdevice = "%s";' % devs[i], '\t\t};']
    if i == 0:
        for j in range(1, n):
            out += ['\t\tmanage%d {' % j, '\t\t\tcompatible = "managed-partition";',
                    '\t\t\tpartition = <&part%d>;' % j, '\t\t};']
    out.append('\t};')
    return '\n'.join(out)


def config(n):
    pmas = ''.join('\t\tpma%d: pma%d {\n\t\t\tcompatible = "phys-mem-area";\n'
                   '\t\t\taddr = <0x0 0x%x>;\n\t\t\tsize = <0x0 0x%x>;\n\t\t};\n'
                   % (i, i, 0x4000000 + i * 16 * MIB, 16 * MIB) for i in range(n))
    dbs = ''.join('\t\tdb%d: db%d {\n\t\t\tcompatible = "doorbell";\n\t\t};\n' % (i, i)
                  for i in range(n))
    parts = '\n\n'.join(partition(i, n) for i in range(n))
    return '''/dts-v1/;

/ {
	compatible = "fsl,hv-config", "bulkhead,config-1";
	phys-mem {
		hv_pma: hv {
			compatible = "phys-mem-area";
			addr = <0x0 0x0>;
			size = <0x0 0x4000000>;
		};
%s	};
	doorbells {
%s	};
	hv-config {
		compatible = "hv-config";
		stdout = <&uart>;
		hv-memory {
			compatible = "hv-memory";
			phys-mem = <&hv_pma>;
		};
		uart: serial {
			device = "serial0";
		};
		pic {
			device = "/soc@fe0000000/pic@40000";
		};
	};
	mux: uartmux {
		compatible = "byte-channel-mux";
		endpoint = <&uart>;
	};

%s
};
''' % (pmas, dbs, parts)


def main():
    n = int(sys.argv[1])
    pathlib.Path(sys.argv[2]).write_text(hw_tree(n))
    pathlib.Path(sys.argv[3]).write_text(config(n))


if __name__ == '__main__':
    main()
