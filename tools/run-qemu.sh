#!/bin/bash
# run-qemu.sh - boot Bulkhead on QEMU ppce500 (e500mc), or with --arch x86 on QEMU q35
# (x86-64, docs/x86.md). The one launcher used by "make run", the system tests (tests/) and
# the bench (bench/). See docs/boot.md.
#
#   tools/run-qemu.sh [options] [-- extra QEMU args]
#
# The last line before QEMU starts says how to leave it (Ctrl-A then X). Generated files (the
# U-Boot control DTB, compiled configs) go to build/qemu/; nothing generated is committed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GEN="$ROOT/build/qemu"
QEMU=${QEMU:-qemu-system-ppc}
UBOOT_ELF=${UBOOT_ELF:-/usr/lib/u-boot/qemu-ppce500/uboot.elf}
HV_ELF="$ROOT/build/powerpc/bulkhead.elf"
HV_UIMG="$ROOT/build/powerpc/bulkhead.uimg"

# Memory map of the launch (docs/boot.md): U-Boot finds the uImage at UIMG_ADDR (bootm copies
# it to the load address 0x01000000), the config blob sits at CONFIG_ADDR, and U-Boot moves its
# hardware tree to FDT_ADDR (with room to grow) before setting /chosen/bootargs.
UIMG_ADDR=0x02000000
FDT_ADDR=0x05000000
FDT_ROOM=0x20000
CONFIG_ADDR=0x06000000

usage() {
	cat <<'EOF'
usage: tools/run-qemu.sh [options] [-- extra QEMU args]
  --arch powerpc|x86    which port to boot (default powerpc). x86: QEMU q35,
                        -cpu qemu64,+svm,+npt, intel-iommu and edu, firmware-less multiboot
                        (--direct: -kernel build/x86/bulkhead.elf32, the hardware tree
                        build/dts/qemu-q35/q35.dtb as module 0, the config as module 1;
                        default config dts/qemu-q35/demo.dts with two x86 hello guests)
  --grub                x86: boot through GRUB 2 (a rescue ISO made with grub-mkrescue into
                        build/qemu/: multiboot with the same modules and arguments)
  --uboot               boot through U-Boot [default]. powerpc: -bios uboot.elf, bootm of the
                        uImage. x86: -bios qemu-x86/u-boot.rom, whose distro boot runs the
                        boot script of a FAT disk on virtio (built into build/qemu/): bootelf
                        of bulkhead.elf32 with the hardware tree q35-uboot.dtb and the config
  --direct              firmware-less: -kernel build/powerpc/bulkhead.elf (ePAPR entry)
  --smp N               number of CPUs (default 4)
  --mem SIZE            RAM size in MiB, QEMU -m syntax (default 512)
  --config FILE         partition config, .dts (compiled with dtc) or .dtb
                        (default dts/qemu-ppce500/demo.dts)
  --no-config           load no config blob and pass no config-addr= boot argument
  --config-addr ADDR    where the blob is loaded and what config-addr= says (default 0x06000000)
  --append ARGS         extra hypervisor boot arguments (repeatable), e.g. bulkhead.inject=illegal@2
  --image FILE@ADDR     preload a guest image at a physical address (repeatable); the demo
                        config gets its two hello guests by default
  --serial-socket PATH  console on a Unix socket instead of stdio: QEMU listens on PATH and
                        starts the machine once a client has connected
  --icount[=OPTS]       deterministic emulated time: -icount OPTS (default shift=0,sleep=off:
                        one instruction per ns and no warping to host time while CPUs idle)
  --mttcg               one host thread per emulated CPU (-accel tcg,thread=multi). QEMU's
                        default for this target runs all CPUs in one thread, round robin,
                        switching every 100 ms: a spinning guest CPU then delays the others by
                        up to 100 ms at every switch. QEMU 7.2 warns that ppc32 is "not yet
                        converted to MTTCG"; see docs/boot.md. Not with --icount.
                        BULKHEAD_MTTCG=1 in the environment does the same for every run
                        without --icount (e.g. a whole test run).
  --hw-tree FILE        x86: pass this hardware tree (.dtb) as module 0 instead of the one
                        for the firmware (q35.dtb; q35-uboot.dtb with --uboot)
  --elf FILE / --uimg FILE   other hypervisor images (default build/powerpc/bulkhead.{elf,uimg})
  --dry-run             print the QEMU command line instead of running it
  --dump-dtb FILE       write the device tree QEMU generates for these options to FILE, exit
  -h, --help            this text
Leave QEMU with Ctrl-A then X.
EOF
}

die() { echo "run-qemu: $*" >&2; exit 2; }

arch=powerpc
mode=uboot smp=4 mem=512 config="$ROOT/dts/qemu-ppce500/demo.dts" config_addr=$CONFIG_ADDR
hw_tree="" appends=() serial_socket="" icount="" mttcg="" dry=0 dump_dtb="" extra=() images=() images_set=0
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=${2:?--arch needs powerpc or x86}; shift ;;
	--uboot) mode=uboot ;;
	--grub) mode=grub ;;
	--direct) mode=direct ;;
	--smp) smp=${2:?--smp needs a number}; shift ;;
	--mem) mem=${2:?--mem needs a size}; shift ;;
	--config) config=${2:?--config needs a file}; shift ;;
	--no-config) config="" ;;
	--config-addr) config_addr=${2:?--config-addr needs an address}; shift ;;
	--append) appends+=("${2?--append needs arguments}"); shift ;;
	--image) images+=("${2:?--image needs FILE@ADDR}"); images_set=1; shift ;;
	--serial-socket) serial_socket=${2:?--serial-socket needs a path}; shift ;;
	--icount) icount="shift=0,sleep=off" ;;
	--icount=*) icount=${1#--icount=} ;;
	--mttcg) mttcg=1 ;;
	--elf) HV_ELF=${2:?}; shift ;;
	--hw-tree) hw_tree=${2:?--hw-tree needs a .dtb}; shift ;;
	--uimg) HV_UIMG=${2:?}; shift ;;
	--dry-run) dry=1 ;;
	--dump-dtb) dump_dtb=${2:?--dump-dtb needs a file}; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; extra=("$@"); break ;;
	*) usage >&2; die "unknown option '$1'" ;;
	esac
	shift
done
[[ $smp =~ ^[0-9]+$ ]] && [ "$smp" -ge 1 ] || die "--smp wants a positive number, got '$smp'"
case "$arch" in
powerpc) [ "$mode" = grub ] && die "--grub is for --arch x86" ;;
x86)
	# The x86 demo config (two hello partitions) unless --config / --no-config say otherwise.
	[ "$config" = "$ROOT/dts/qemu-ppce500/demo.dts" ] && config="$ROOT/dts/qemu-q35/demo.dts"
	[ -n "$dump_dtb" ] && die "x86: the hardware tree is dts/qemu-q35/q35.dts (no --dump-dtb)"
	;;
*) die "--arch wants powerpc or x86, got '$arch'" ;;
esac

mkdir -p "$GEN"

# Compile a .dts config into build/qemu/ (named by its content, so reruns reuse it).
config_blob() {
	local src=$1 sum out
	case "$src" in
	*.dtb) [ -f "$src" ] || die "config $src not found"; echo "$src"; return ;;
	esac
	[ -f "$src" ] || die "config $src not found"
	sum=$(sha1sum < "$src" | cut -c1-16)
	out="$GEN/config-$(basename "$src" .dts)-$sum.dtb"
	if [ ! -f "$out" ]; then
		dtc -q -I dts -O dtb -o "$out.tmp.$$" "$src" || die "dtc failed on $src"
		mv -f "$out.tmp.$$" "$out"
	fi
	echo "$out"
}

# A GRUB rescue ISO that multiboots elf with the modules (comma-separated files) and the
# boot arguments, without a menu; named by its inputs, so reruns reuse it.
grub_iso() {
	local elf=$1 mods=$2 args=$3 key dir iso m i=0
	command -v grub-mkrescue >/dev/null ||
		die "grub-mkrescue is missing: install grub-pc-bin, xorriso and mtools (scripts/deps.sh)"
	case "$args" in
	*[\"\\\;\$\{\}]*) die "boot arguments for the GRUB path may not contain \" \\ ; \$ { or }" ;;
	esac
	key=$( { printf '%s\n' "$args"; cat "$elf"; IFS=,; for m in $mods; do cat "$m"; done; } |
		sha1sum | cut -c1-16)
	iso="$GEN/grub-$key.iso"
	if [ ! -f "$iso" ]; then
		dir="$GEN/grub.$$"
		rm -rf "$dir" && mkdir -p "$dir/boot/grub"
		cp "$elf" "$dir/boot/bulkhead.elf32"
		{
			echo "set timeout=0"
			echo "menuentry bulkhead {"
			echo "	multiboot /boot/bulkhead.elf32 $args"
			IFS=,
			for m in $mods; do
				cp "$m" "$dir/boot/module$i"
				echo "	module /boot/module$i $(basename "$m")"
				i=$((i + 1))
			done
			unset IFS
			echo "	boot"
			echo "}"
		} > "$dir/boot/grub/grub.cfg"
		grub-mkrescue -o "$iso.tmp.$$" "$dir" >/dev/null 2>&1 ||
			die "grub-mkrescue failed (needs grub-pc-bin, xorriso, mtools)"
		mv -f "$iso.tmp.$$" "$iso"
		rm -rf "$dir"
	fi
	echo "$iso"
}

# A FAT disk for U-Boot's distro boot on x86 (it runs /boot.scr from the first virtio disk by
# itself): the hypervisor ELF, the hardware tree, the config and a boot script that loads them
# and starts the ELF with bootelf, passing each module as module=ADDR,SIZE and then the boot
# arguments (arch/x86/boot/uboot.c). Named by its inputs, so reruns reuse it.
UBOOT_X86_ROM=${UBOOT_X86_ROM:-/usr/lib/u-boot/qemu-x86/u-boot.rom}
UBOOT_X86_ELF=0x04000000   # where the script loads the ELF file (bootelf -p copies it to 16 MiB)
UBOOT_X86_TREE=0x06000000  # the hardware tree
UBOOT_X86_CONFIG=0x06100000  # the config (the hypervisor copies both into its image)
uboot_x86_disk() {
	local elf=$1 tree=$2 cfg=$3 args=$4 key disk dir mib
	command -v mformat >/dev/null && command -v mkimage >/dev/null ||
		die "mtools and mkimage are missing: install mtools and u-boot-tools (scripts/deps.sh)"
	case "$args" in
	*[\"\'\\\;\$\{\}]*) die "boot arguments for the U-Boot path may not contain \" ' \\ ; \$ { or }" ;;
	esac
	key=$( { printf '%s\n' "$args"; cat "$elf" "$tree" ${cfg:+"$cfg"}; } | sha1sum | cut -c1-16)
	disk="$GEN/uboot-x86-$key.img"
	[ -f "$disk" ] && { echo "$disk"; return; }
	dir="$GEN/uboot-x86.$$"
	rm -rf "$dir" && mkdir -p "$dir"
	{
		echo "echo run-qemu: loading Bulkhead from virtio 0"
		echo "load virtio 0 $UBOOT_X86_ELF bulkhead.elf"
		echo "load virtio 0 $UBOOT_X86_TREE tree.dtb"
		echo "setenv bh_mods module=$UBOOT_X86_TREE,\${filesize}"
		if [ -n "$cfg" ]; then
			echo "load virtio 0 $UBOOT_X86_CONFIG config.dtb"
			echo "setenv bh_mods \${bh_mods} module=$UBOOT_X86_CONFIG,\${filesize}"
		fi
		echo "setenv autostart yes"
		echo "bootelf -p $UBOOT_X86_ELF \${bh_mods} $args"
	} > "$dir/boot.cmd"
	mkimage -A x86 -T script -C none -d "$dir/boot.cmd" "$dir/boot.scr" >/dev/null ||
		die "mkimage failed on the boot script"
	cp "$elf" "$dir/bulkhead.elf"
	cp "$tree" "$dir/tree.dtb"
	[ -n "$cfg" ] && cp "$cfg" "$dir/config.dtb"
	# 1 MiB per track (64 heads x 32 sectors), 4 MiB to spare.
	mib=$(( $(cat "$dir"/* | wc -c) / 1048576 + 4 ))
	dd if=/dev/zero of="$disk.tmp.$$" bs=1M count="$mib" status=none
	mformat -i "$disk.tmp.$$" -t "$mib" -h 64 -s 32 :: ||
		die "mformat failed"
	mcopy -i "$disk.tmp.$$" "$dir/boot.scr" "$dir/bulkhead.elf" "$dir/tree.dtb" \
		${cfg:+"$dir/config.dtb"} :: || die "mcopy failed"
	mv -f "$disk.tmp.$$" "$disk"
	rm -rf "$dir"
	echo "$disk"
}

# x86-64 on q35: multiboot v1 through QEMU's -kernel or GRUB, or U-Boot's bootelf; modules:
# the hardware tree, the config.
run_x86() {
	local qemu bootargs="" mods elf="$ROOT/build/x86/bulkhead.elf32"
	local hw="$ROOT/build/dts/qemu-q35/q35.dtb"

	[ "$HV_ELF" != "$ROOT/build/powerpc/bulkhead.elf" ] && elf=$HV_ELF
	[ -f "$elf" ] || die "$elf is missing: run 'make ARCH=x86' first"
	[ -f "$hw" ] || die "$hw is missing: run 'make ARCH=x86' first"
	[ "$mode" = uboot ] && hw="$ROOT/build/dts/qemu-q35/q35-uboot.dtb"
	[ -n "$hw_tree" ] && hw=$hw_tree
	# QEMU's edu at 00:02.0 (the DMA self-test's), unless the extra arguments bring their own
	edu=(-device edu)
	for a in "${extra[@]}"; do [[ $a == edu* ]] && edu=(); done
	qemu=("${QEMU_X86:-qemu-system-x86_64}" -M q35 -cpu qemu64,+svm,+npt -m "$mem" -smp "$smp"
	      -device intel-iommu "${edu[@]}" -nic none -nographic -monitor none -no-reboot)
	if [ -n "$serial_socket" ]; then
		qemu+=(-chardev "socket,id=con0,path=$serial_socket,server=on,wait=on"
		       -serial chardev:con0)
	else
		qemu+=(-chardev stdio,id=con0,mux=on -serial chardev:con0)
	fi
	mods=$hw
	[ -n "$config" ] && mods+=",$(config_blob "$config")"
	for a in ${appends[@]+"${appends[@]}"}; do
		bootargs="${bootargs:+$bootargs }$a"
	done
	if [ $images_set = 0 ] && [ "$config" = "$ROOT/dts/qemu-q35/demo.dts" ]; then
		images=("$ROOT/build/x86/partitions/hello.elf@0x18000000"
			"$ROOT/build/x86/partitions/hello.elf@0x18800000")
	fi
	for i in ${images[@]+"${images[@]}"}; do
		[ -f "${i%@*}" ] || die "image ${i%@*} not found (run make ARCH=x86)"
		qemu+=(-device "loader,file=${i%@*},addr=${i##*@},force-raw=on")
	done
	[ -n "$icount" ] && qemu+=(-icount "$icount")
	if [ "$mode" = grub ]; then
		qemu+=(-cdrom "$(grub_iso "$elf" "$mods" "$bootargs")" -boot d)
	elif [ "$mode" = uboot ]; then
		[ -f "$UBOOT_X86_ROM" ] || die "$UBOOT_X86_ROM is missing: install u-boot-qemu"
		qemu+=(-bios "$UBOOT_X86_ROM" -drive "if=virtio,format=raw,file=$(uboot_x86_disk \
			"$elf" "$hw" "${config:+$(config_blob "$config")}" "$bootargs")")
	else
		qemu+=(-kernel "$elf" -initrd "$mods" -append "$bootargs")
	fi
	qemu+=(${extra[@]+"${extra[@]}"})
	if [ "$dry" = 1 ]; then
		printf '%q ' "${qemu[@]}"; echo
		exit 0
	fi
	echo "run-qemu: booting Bulkhead (x86 $mode, $smp CPUs, $mem MiB) - leave QEMU with Ctrl-A then X" >&2
	exec "${qemu[@]}"
}
[ "$arch" = x86 ] && run_x86

bootargs=""
qemu=("$QEMU" -M ppce500 -cpu e500mc -m "$mem" -smp "$smp" -nographic -monitor none)
if [ -n "$serial_socket" ]; then
	qemu+=(-chardev "socket,id=con0,path=$serial_socket,server=on,wait=on" -serial chardev:con0)
else
	# A multiplexed stdio: QEMU's escape keys work (Ctrl-A X quits, Ctrl-A H lists them).
	qemu+=(-chardev stdio,id=con0,mux=on -serial chardev:con0)
fi
# The demo config's guest images (its guest-image sources), unless --image says otherwise.
if [ $images_set = 0 ] && [ "$config" = "$ROOT/dts/qemu-ppce500/demo.dts" ]; then
	images=("$ROOT/build/powerpc/partitions/hello.elf@0x18000000"
		"$ROOT/build/powerpc/partitions/hello.elf@0x18800000")
fi
for i in ${images[@]+"${images[@]}"}; do
	[ -f "${i%@*}" ] || die "image ${i%@*} not found (run make)"
	qemu+=(-device "loader,file=${i%@*},addr=${i##*@},force-raw=on")
done
if [ -n "$config" ]; then
	blob=$(config_blob "$config")
	qemu+=(-device "loader,file=$blob,addr=$config_addr,force-raw=on")
	bootargs="config-addr=$config_addr"
fi
for a in ${appends[@]+"${appends[@]}"}; do
	bootargs="${bootargs:+$bootargs }$a"
done
[ -n "$icount" ] && qemu+=(-icount "$icount")
[ -n "$mttcg" ] && [ -n "$icount" ] && die "--mttcg and --icount do not go together (QEMU refuses)"
# BULKHEAD_MTTCG=1: --mttcg for every run that does not ask for --icount (a whole test run).
[ -z "$icount" ] && [ -n "${BULKHEAD_MTTCG:-}" ] && mttcg=1
[ -n "$mttcg" ] && qemu+=(-accel tcg,thread=multi)

# The hardware tree QEMU builds for these options (what the tests compare the inventory with).
if [ -n "$dump_dtb" ]; then
	rm -f "$dump_dtb"
	if [ "$mode" = direct ]; then
		qemu+=(-kernel "$HV_ELF" -append "$bootargs")
	else
		qemu+=(-bios "$UBOOT_ELF")
	fi
	"${qemu[@]}" ${extra[@]+"${extra[@]}"} -M "ppce500,dumpdtb=$dump_dtb" \
		>/dev/null 2>&1 </dev/null || true
	[ -s "$dump_dtb" ] || die "QEMU did not dump its device tree to $dump_dtb"
	exit 0
fi

if [ "$mode" = direct ]; then
	[ -f "$HV_ELF" ] || die "$HV_ELF is missing: run 'make' first"
	qemu+=(-kernel "$HV_ELF" -append "$bootargs")
else
	[ -f "$HV_UIMG" ] || die "$HV_UIMG is missing: run 'make' first"
	[ "$HV_UIMG" -nt "$HV_ELF" ] || [ ! -f "$HV_ELF" ] ||
		echo "run-qemu: warning: $HV_UIMG is older than $HV_ELF (run make)" >&2
	[ -f "$UBOOT_ELF" ] || die "$UBOOT_ELF is missing: install u-boot-qemu (scripts/deps.sh)"
	case "$bootargs" in
	*[\"\\\;\$]*) die "boot arguments for the U-Boot path may not contain \" \\ ; or \$" ;;
	esac
	# U-Boot's control DTB is QEMU's own tree for these options plus a /config node whose
	# bootcmd boots without a prompt: move the tree to a place with room, put the boot
	# arguments into /chosen, bootm the preloaded uImage with that tree.
	bootcmd="fdt addr \${fdtcontroladdr}; fdt move \${fdtcontroladdr} $FDT_ADDR $FDT_ROOM;"
	bootcmd+=" fdt set /chosen bootargs \\\"$bootargs\\\"; bootm $UIMG_ADDR - $FDT_ADDR;"
	bootcmd+=" echo BOOT FAILED; poweroff"
	base=("$QEMU" -M ppce500 -cpu e500mc -m "$mem" -smp "$smp" -nographic -monitor none)
	key=$(printf '%s\n' "${base[@]}" ${extra[@]+"${extra[@]}"} "$bootcmd" \
		"$(stat -c %Y:%s "$(command -v "$QEMU")" "$UBOOT_ELF")" | sha1sum | cut -c1-16)
	ubdtb="$GEN/uboot-$key.dtb"
	if [ ! -f "$ubdtb" ]; then
		hw="$GEN/hw.$$.dtb"
		"${base[@]}" -M "ppce500,dumpdtb=$hw" -bios "$UBOOT_ELF" -serial null \
			${extra[@]+"${extra[@]}"} >/dev/null 2>&1 </dev/null || true
		[ -s "$hw" ] || die "QEMU did not dump its device tree ($QEMU -M ppce500,dumpdtb=...)"
		fdtput -d "$hw" /chosen rng-seed 2>/dev/null || true
		{
			dtc -q -I dtb -O dts "$hw"
			printf '/ {\n\tconfig {\n\t\tbootdelay = <0>;\n\t\tbootcmd = "%s";\n\t};\n};\n' \
				"$bootcmd"
		} > "$hw.dts"
		dtc -q -I dts -O dtb -o "$ubdtb.tmp.$$" "$hw.dts" || die "dtc failed on $hw.dts"
		mv -f "$ubdtb.tmp.$$" "$ubdtb"
		rm -f "$hw" "$hw.dts"
	fi
	qemu+=(-bios "$UBOOT_ELF" -dtb "$ubdtb"
	       -device "loader,file=$HV_UIMG,addr=$UIMG_ADDR,force-raw=on")
fi
qemu+=(${extra[@]+"${extra[@]}"})

if [ "$dry" = 1 ]; then
	printf '%q ' "${qemu[@]}"; echo
	exit 0
fi
bhctl="$ROOT/build/host/bhctl"
if [ -n "$serial_socket" ]; then
	echo "run-qemu: attach with: $bhctl console --socket $serial_socket" \
	     "(scripts: BHCTL_SOCKET=$serial_socket $bhctl list; docs/console.md)" >&2
	echo "run-qemu: console on $serial_socket (connect to start); stop QEMU with Ctrl-C" >&2
else
	echo "run-qemu: for bhctl, run with --serial-socket PATH (make run RUN_ARGS=\"--serial-socket" \
	     "build/qemu/console.sock\") and attach with: $bhctl console --socket PATH" >&2
	echo "run-qemu: booting Bulkhead ($mode, $smp CPUs, $mem MiB) - leave QEMU with Ctrl-A then X" >&2
fi
exec "${qemu[@]}"
