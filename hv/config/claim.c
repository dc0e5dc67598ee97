/* claim.c - claimable devices and the error manager (Topaz bindings, docs/config.md):
 * "claimable" on device assignments and error-manager nodes (pass 1), and the rules that let
 * one hardware device go to several partitions, exactly one of them active (pass 3). */
#include <stdio.h>
#include <string.h>
#include "priv.h"

enum cfg_claim cfg_parse_claimable(struct cfg_ctx *c, int node)
{
	const char *s;

	if (!fdt_getprop(c->fdt, node, "claimable", NULL))
		return CFG_CLAIM_NONE;
	s = cfg_read_string(c, node, "claimable", true);
	if (s && !strcmp(s, "active"))
		return CFG_CLAIM_ACTIVE;
	if (s && !strcmp(s, "standby"))
		return CFG_CLAIM_STANDBY;
	if (s)
		cfg_err(c, node, "claimable", "\"%s\": must be \"active\" or \"standby\"", s);
	return CFG_CLAIM_NONE;
}

void cfg_parse_error_manager(struct cfg_ctx *c, int node, int part)
{
	static const char *const props[] = { "compatible", "vcpu", "claimable", NULL };
	struct cfg_error_manager *e;
	int child;

	cfg_check_props(c, node, props);
	fdt_for_each_subnode(child, c->fdt, node)
		cfg_err(c, child, NULL, "an error-manager has no child nodes");
	for (int i = 0; i < c->cfg->nr_err_mgrs; i++)
		if (c->cfg->err_mgr[i].part == part) {
			cfg_err(c, node, "compatible",
				"a partition has at most one error-manager "
				"(the other is %s)",
				cfg_path(c, c->cfg->err_mgr[i].node));
			return;
		}
	if (c->cfg->nr_err_mgrs >= CFG_MAX_ERR_MGRS) {
		cfg_err(c, node, NULL, "too many error-manager nodes (max %d)", CFG_MAX_ERR_MGRS);
		return;
	}
	e = &c->cfg->err_mgr[c->cfg->nr_err_mgrs++];
	*e = (struct cfg_error_manager){ .node = node, .part = part };
	cfg_read_u32(c, node, "vcpu", &e->vcpu, true);
	e->claimable = cfg_parse_claimable(c, node);
}

/* Device i is given to several partitions: every assignment of it must be claimable, in a
 * different partition, and exactly one active. Reported once, at its first assignment. */
static void check_device_group(struct cfg_ctx *c, int i)
{
	const struct hv_config *cfg = c->cfg;
	const struct cfg_device *d = &cfg->device[i];
	int active = 0, first_active = -1;

	for (int j = 0; j < i; j++)
		if (cfg->device[j].hw_node == d->hw_node &&
		    cfg->device[j].pci_function == d->pci_function)
			return; /* checked with the first one */
	for (int j = i; j < cfg->nr_devices; j++) {
		const struct cfg_device *o = &cfg->device[j];

		if (o->hw_node != d->hw_node || o->pci_function != d->pci_function)
			continue;
		if (o->claimable == CFG_CLAIM_ACTIVE && active++ == 0)
			first_active = j;
		else if (o->claimable == CFG_CLAIM_ACTIVE)
			cfg_err(c, o->node, "claimable",
				"%s is already active in %s; one owner "
				"holds a claimable device at boot, the others are \"standby\"",
				c->devpath[i], cfg_path(c, cfg->device[first_active].node));
	}
	if (!active)
		cfg_err(c, d->node, "claimable",
			"no assignment of %s is \"active\": a standby "
			"owner can claim it only from a stopped active one",
			c->devpath[i]);
}

/* The checks of one claimable assignment on its own. */
static void check_claimable(struct cfg_ctx *c, int i)
{
	const struct cfg_device *d = &c->cfg->device[i];

	if (d->owner == CFG_OWNER_HV)
		cfg_err(c, d->node, "claimable", "the hypervisor's devices are not claimable");
	else if (d->hw_node >= 0)
		check_device_group(c, i);
}

static void check_error_managers(struct cfg_ctx *c)
{
	const struct hv_config *cfg = c->cfg;
	int plain = -1, active = -1, nr_claim = 0;

	for (int i = 0; i < cfg->nr_err_mgrs; i++) {
		const struct cfg_error_manager *e = &cfg->err_mgr[i];
		int n = __builtin_popcountll(cfg->part[e->part].cpus);

		if (n && e->vcpu >= (uint32_t)n)
			cfg_err(c, e->node, "vcpu",
				"vCPU %u does not exist: partition \"%s\" has "
				"%d",
				e->vcpu, cfg->part[e->part].label, n);
		if (e->claimable == CFG_CLAIM_NONE && plain >= 0)
			cfg_err(c, e->node, "compatible",
				"a second error manager (the first is %s); "
				"several need claimable = \"active\" / \"standby\"",
				cfg_path(c, cfg->err_mgr[plain].node));
		else if (e->claimable == CFG_CLAIM_NONE)
			plain = i;
		else
			nr_claim++;
		if (e->claimable == CFG_CLAIM_ACTIVE && active >= 0)
			cfg_err(c, e->node, "claimable",
				"the error manager is already active in %s",
				cfg_path(c, cfg->err_mgr[active].node));
		else if (e->claimable == CFG_CLAIM_ACTIVE)
			active = i;
	}
	if (plain >= 0 && nr_claim)
		cfg_err(c, cfg->err_mgr[plain].node, "claimable",
			"missing: the other error "
			"managers are claimable, so this one must say \"active\" or \"standby\"");
	else if (nr_claim && active < 0)
		for (int i = 0; i < cfg->nr_err_mgrs; i++)
			if (cfg->err_mgr[i].claimable == CFG_CLAIM_STANDBY) {
				cfg_err(c, cfg->err_mgr[i].node, "claimable",
					"every error manager "
					"is \"standby\": one must be \"active\"");
				break;
			}
}

void cfg_check_claims(struct cfg_ctx *c)
{
	for (int i = 0; i < c->cfg->nr_devices; i++)
		if (c->cfg->device[i].claimable != CFG_CLAIM_NONE)
			check_claimable(c, i);
	check_error_managers(c);
}

bool cfg_claimable_pair(const struct cfg_device *d, const struct cfg_device *o)
{
	return d->claimable != CFG_CLAIM_NONE && o->claimable != CFG_CLAIM_NONE && d->owner >= 0 &&
	       o->owner >= 0 && d->owner != o->owner && d->pci_function == o->pci_function;
}

const char *config_claim_name(enum cfg_claim k)
{
	return k == CFG_CLAIM_ACTIVE ? "active" : k == CFG_CLAIM_STANDBY ? "standby" : "none";
}
