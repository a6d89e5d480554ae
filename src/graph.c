/*
 * graph.c: the who-talks-to-whom picture through Graphviz (graph.h).
 * The only file that calls Graphviz.
 */
#define _GNU_SOURCE   /* memfd_create(), memmem() */
#include "graph.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "coverage.h"
#include "explain.h"
#include "textfile.h"
#include "util.h"
#include "verdict.h"

/* A host, as the picture counts it: an address of one IP version (an
   IPv6 header's ::ffff:a.b.c.d is not the IPv4 host a.b.c.d). */
struct ghost {
	struct ip_addr ip;
	uint8_t family;        /* 4 or 6 */
	struct host_info hi;
	uint64_t bytes;
	bool finding;          /* an end of a finding */
	int node;              /* its node: drawn index, or the other node */
};

/* An edge between two nodes, for one verdict. */
struct gedge {
	int cn, sn;
	uint8_t verdict;
	uint8_t nports;
	uint64_t flows, bytes, more_flows, more_bytes;
	struct talk_port port[TALK_PORTS];
};

struct graph {
	Agraph_t *g;
	struct graph_info info;
};

#ifdef __SANITIZE_ADDRESS__
/*
 * Graphviz 2.42 keeps the text of the plugin configuration gvContext()
 * reads (gvconfig(), allocated by its gmalloc(); the only block of ours
 * that gmalloc() holds) after gvFreeContext(), and Pango and fontconfig,
 * which measure the labels, keep their font caches until the process
 * ends, and its dot layout leaves the auxiliary edges of some graphs (a
 * cluster of one node) after gvFreeLayout(): not ours to free, one
 * layout per run. The graph (libcgraph's own allocator) and the
 * rendered SVG (malloc) are not under these frames. LeakSanitizer calls
 * this hook by its name, in sanitizer builds only.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:gmalloc\n"
	       "leak:libfontconfig.so\n"
	       "leak:libpango-1.0.so\n"
	       "leak:libpangoft2-1.0.so\n"
	       "leak:libgvplugin_pango.so\n"
	       "leak:libgvplugin_dot_layout.so\n";
}

/* ... and says nothing of them. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

#ifdef __SANITIZE_THREAD__
/*
 * Pango measures the labels from a thread of its own ("[pango] FcInit")
 * that loads fontconfig's caches while the main thread reads them: the
 * libraries synchronise it in ways ThreadSanitizer does not see (they are
 * not built with it). impwatch starts no thread there; its flow workers
 * and rings are not in these libraries. ThreadSanitizer calls this hook
 * by its name, in its builds only.
 */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void)
{
	return "race:libglib-2.0.so\n"
	       "race:libfontconfig.so\n"
	       "race:libpango-1.0.so\n"
	       "race:libpangoft2-1.0.so\n"
	       "race:libgvplugin_pango.so\n"
	       "called_from_lib:libfontconfig.so\n";
}
#endif

/* The colours of an edge: findings stand out; trusted tunnels apart. */
#define COLOR_FINDING "#c62828"
#define COLOR_OK      "#546e7a"
#define COLOR_TUNNEL  "#1565c0"

/* By address, then IP version. */
static int host_cmp(const struct ip_addr *a, uint8_t fa,
		    const struct ip_addr *b, uint8_t fb)
{
	int c = memcmp(a->b, b->b, sizeof(a->b));

	return c ? c : (fa > fb) - (fa < fb);
}

static int ghost_cmp(const struct ghost *a, const struct ghost *b)
{
	return host_cmp(&a->ip, a->family, &b->ip, b->family);
}

/* ghost_cmp() for qsort(). */
static int ghost_sort_cmp(const void *x, const void *y)
{
	return ghost_cmp(x, y);
}

/* Hosts of findings first, then most bytes, then by address and IP
   version. */
static int ghost_rank_cmp(const void *x, const void *y)
{
	const struct ghost *a = *(const struct ghost *const *)x;
	const struct ghost *b = *(const struct ghost *const *)y;

	if (a->finding != b->finding)
		return a->finding ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return ghost_cmp(a, b);
}

/* Findings first, then most bytes, then by nodes and verdict. */
static int gedge_cmp(const void *x, const void *y)
{
	const struct gedge *a = x, *b = y;
	bool fa = verdict_is_finding((enum verdict)a->verdict);
	bool fb = verdict_is_finding((enum verdict)b->verdict);

	if (fa != fb)
		return fa ? -1 : 1;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->cn != b->cn)
		return a->cn < b->cn ? -1 : 1;
	if (a->sn != b->sn)
		return a->sn < b->sn ? -1 : 1;
	return a->verdict < b->verdict ? -1 : (a->verdict > b->verdict);
}

/* The node of address a of IP version family (hosts sorted by
   host_cmp()). */
static int node_of(const struct ghost *h, size_t n, const struct ip_addr *a,
		   uint8_t family)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = host_cmp(&h[mid].ip, h[mid].family, a, family);

		if (c == 0)
			return h[mid].node;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;   /* every address of an edge is a host: not reached */
}

/* The distinct hosts of the edges, sorted by address, each given its
   node; *n of them, *drawn drawn apart. NULL when out of memory. */
static struct ghost *collect_hosts(const struct talk_edge *const *e, size_t ne,
				   size_t *n, size_t *drawn)
{
	struct ghost *h = malloc((2 * ne + 1) * sizeof(*h));
	struct ghost **rank;
	size_t i, k = 0;

	if (!h)
		return NULL;
	for (i = 0; i < ne; i++) {
		bool f = verdict_is_finding((enum verdict)e[i]->verdict);

		h[2 * i] = (struct ghost){ e[i]->client, e[i]->family,
					  e[i]->client_host, e[i]->bytes, f,
					  -1 };
		h[2 * i + 1] = (struct ghost){ e[i]->server, e[i]->family,
					      e[i]->server_host, e[i]->bytes,
					      f, -1 };
	}
	qsort(h, 2 * ne, sizeof(*h), ghost_sort_cmp);
	for (i = 0; i < 2 * ne; i++) {
		if (k && ghost_cmp(&h[k - 1], &h[i]) == 0) {
			h[k - 1].bytes += h[i].bytes;
			h[k - 1].finding |= h[i].finding;
		} else {
			h[k++] = h[i];
		}
	}
	rank = malloc((k + 1) * sizeof(*rank));
	if (!rank) {
		free(h);
		return NULL;
	}
	for (i = 0; i < k; i++)
		rank[i] = &h[i];
	qsort(rank, k, sizeof(*rank), ghost_rank_cmp);
	/* Past the bound, every other host is the one node "other hosts"
	   (index GRAPH_MAX_HOSTS). */
	for (i = 0; i < k; i++)
		rank[i]->node = i < GRAPH_MAX_HOSTS ? (int)i : (int)GRAPH_MAX_HOSTS;
	free(rank);
	*n = k;
	*drawn = k < GRAPH_MAX_HOSTS ? k : GRAPH_MAX_HOSTS;
	return h;
}

/* Graphviz reads backslash escapes (\N, \G, \n) in labels and tooltips:
   a string shown as is has its backslashes doubled, and its line breaks
   written as the escape \n. The graph is drawn into the page: another
   character text_unsafe() names is U+FFFD there, as html_escape() has
   it, and so is a byte that is not UTF-8. */
static void gv_text(char *dst, size_t size, const char *src)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t o = 0, n = strlen(src), k;

	for (; n && o + 4 < size; p += k, n -= k) {
		k = utf8_seq_len(p, n);
		if (*p == '\\' || *p == '\n') {
			dst[o++] = '\\';
			dst[o++] = *p == '\n' ? 'n' : '\\';
		} else if (!k || text_unsafe(utf8_cp(p, k))) {
			memcpy(dst + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(dst + o, p, k);   /* at most 4: o + 4 < size */
			o += k;
		}
		k = k ? k : 1;
	}
	dst[o] = '\0';
}

/* Set a string attribute of obj, its value shown as is. */
static void gv_set(void *obj, const char *name, const char *value)
{
	char buf[1024];

	gv_text(buf, sizeof(buf), value);
	agsafeset(obj, (char *)name, buf, "");
}

/* A host's label: its inventory name and its address, or the address
   alone. */
static void host_label(const struct ghost *h, char *buf, size_t size)
{
	char ip[IP_STR_MAX];

	fmt_ip(&h->ip, h->family, ip);
	if (h->hi.name[0] && h->hi.prefix == 128)
		snprintf(buf, size, "%s\n%s", h->hi.name, ip);
	else if (h->hi.name[0])
		snprintf(buf, size, "%s\n(%s)", ip, h->hi.name);
	else
		snprintf(buf, size, "%s", ip);
}

/* "tcp/5061 sip-proxy-tls", "udp/9999", "icmp". */
static void port_label(const struct talk_port *p, const struct catalogue *cat,
		       char *buf, size_t size)
{
	char tr[8];
	int n;

	explain_transport(tr, p->proto);
	n = p->port ? snprintf(buf, size, "%s/%u", tr, p->port)
		    : snprintf(buf, size, "%s", tr);
	if (p->row && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %s",
			 catalogue_row(cat, p->row - 1u)->service);
}

/* 1 to 6 by the bit length of bytes against the largest edge's. */
static void pen_width(uint64_t bytes, uint64_t max, char buf[16])
{
	unsigned b = bytes ? 64u - (unsigned)__builtin_clzll(bytes) : 0;
	unsigned m = max ? 64u - (unsigned)__builtin_clzll(max) : 1;
	unsigned tenths = 10u + 50u * b / m;

	snprintf(buf, 16, "%u.%u", tenths / 10, tenths % 10);
}

/* The node of host index i (drawn or "other hosts"), made when new, in
   its cluster when there is an inventory. */
static Agnode_t *make_node(struct graph *gr, Agnode_t **nodes, int node,
			   const struct ghost *h, size_t nh, size_t others,
			   bool inventory, Agraph_t **clusters, uint32_t *cl_roles,
			   size_t *ncl)
{
	char name[32], label[256], roles[512];
	Agraph_t *parent = gr->g;
	size_t i, k;

	if (nodes[node])
		return nodes[node];
	if (node == (int)GRAPH_MAX_HOSTS) {
		snprintf(name, sizeof(name), "other");
		snprintf(label, sizeof(label), "%zu other hosts", others);
		nodes[node] = agnode(gr->g, name, 1);
		gv_set(nodes[node], "label", label);
		gv_set(nodes[node], "style", "dashed,rounded");
		return nodes[node];
	}
	for (i = 0; i < nh && h[i].node != node; i++)
		;
	if (inventory) {
		for (k = 0; k < *ncl && cl_roles[k] != h[i].hi.roles; k++)
			;
		if (k == *ncl) {
			snprintf(name, sizeof(name), "cluster_%zu", k);
			clusters[k] = agsubg(gr->g, name, 1);
			cl_roles[k] = h[i].hi.roles;
			if (h[i].hi.roles)
				hosts_roles_str(h[i].hi.roles, roles, sizeof(roles));
			else
				snprintf(roles, sizeof(roles), "not in the inventory");
			gv_set(clusters[k], "label", roles);
			gv_set(clusters[k], "style", "rounded,filled");
			gv_set(clusters[k], "fillcolor", h[i].hi.roles ? "#eef3f7" : "#f7f2ea");
			gv_set(clusters[k], "color", "#b0bec5");
			(*ncl)++;
		}
		parent = clusters[k];
	}
	snprintf(name, sizeof(name), "h%d", node);
	host_label(&h[i], label, sizeof(label));
	nodes[node] = agnode(parent, name, 1);
	gv_set(nodes[node], "label", label);
	if (h[i].finding)
		gv_set(nodes[node], "color", COLOR_FINDING);
	return nodes[node];
}

/* The edge d between its nodes, with its services, colour and width. */
static void make_edge(Agraph_t *g, Agnode_t *c, Agnode_t *s, const struct gedge *d,
		      const struct catalogue *cat, uint64_t max_bytes, unsigned id)
{
	enum verdict v = (enum verdict)d->verdict;
	bool finding = verdict_is_finding(v);
	char label[1024], one[160], width[16], tip[256], name[24];
	size_t o = 0;
	uint8_t i;
	Agedge_t *e;

	snprintf(name, sizeof(name), "e%u", id);
	e = agedge(g, c, s, name, 1);
	if (!e)
		return;
	label[0] = '\0';
	if (v != V_DOCUMENTED)
		o += (size_t)snprintf(label, sizeof(label), "%s", verdict_name(v));
	for (i = 0; i < d->nports && o < sizeof(label); i++) {
		port_label(&d->port[i], cat, one, sizeof(one));
		o += (size_t)snprintf(label + o, sizeof(label) - o, "%s%s",
				      o ? "\n" : "", one);
	}
	if (d->more_flows && o < sizeof(label))
		snprintf(label + o, sizeof(label) - o, "\n+%llu flow%s on other ports",
			 (unsigned long long)d->more_flows, PLURAL(d->more_flows));
	gv_set(e, "label", label);
	pen_width(d->bytes, max_bytes, width);
	gv_set(e, "penwidth", width);
	gv_set(e, "color", finding ? COLOR_FINDING :
	       v == V_TRUSTED_TUNNEL ? COLOR_TUNNEL : COLOR_OK);
	gv_set(e, "fontcolor", finding ? COLOR_FINDING : "#37474f");
	gv_set(e, "class", finding ? "finding" : "ok");
	snprintf(tip, sizeof(tip), "%s: %llu flow%s, %llu bytes", verdict_name(v),
		 (unsigned long long)d->flows, PLURAL(d->flows),
		 (unsigned long long)d->bytes);
	gv_set(e, "tooltip", tip);
}

/* Sum the talk edges per (client node, server node, verdict): the
   edges as drawn, *n of them. NULL when out of memory. */
static struct gedge *merge_edges(const struct talk_edge *const *e, size_t ne,
				 const struct ghost *h, size_t nh, size_t *n)
{
	size_t nn = GRAPH_MAX_HOSTS + 1, i, k = 0;
	int32_t *idx = malloc(nn * nn * V_COUNT * sizeof(*idx));
	struct gedge *d = calloc(ne ? ne : 1, sizeof(*d));
	uint8_t p;

	if (!idx || !d) {
		free(idx);
		free(d);
		return NULL;
	}
	memset(idx, 0xff, nn * nn * V_COUNT * sizeof(*idx));
	for (i = 0; i < ne; i++) {
		int cn = node_of(h, nh, &e[i]->client, e[i]->family);
		int sn = node_of(h, nh, &e[i]->server, e[i]->family);
		size_t at;
		struct gedge *x;

		if (cn < 0 || sn < 0 || e[i]->verdict >= V_COUNT)
			continue;
		at = ((size_t)cn * nn + (size_t)sn) * V_COUNT + e[i]->verdict;
		if (idx[at] < 0) {
			idx[at] = (int32_t)k;
			d[k].cn = cn;
			d[k].sn = sn;
			d[k].verdict = e[i]->verdict;
			k++;
		}
		x = &d[idx[at]];
		x->flows += e[i]->flows;
		x->bytes += e[i]->bytes;
		x->more_flows += e[i]->more_flows;
		x->more_bytes += e[i]->more_bytes;
		for (p = 0; p < e[i]->nports; p++)
			talk_port_add(x->port, &x->nports, &x->more_flows,
				      &x->more_bytes, &e[i]->port[p]);
	}
	free(idx);
	*n = k;
	return d;
}

struct graph *graph_new(const struct talk *t, const struct catalogue *cat,
			bool inventory)
{
	struct graph *gr = calloc(1, sizeof(*gr));
	const struct talk_edge **e = NULL;
	struct ghost *h = NULL;
	struct gedge *d = NULL;
	Agnode_t *nodes[GRAPH_MAX_HOSTS + 1];
	Agraph_t *clusters[GRAPH_MAX_HOSTS + 1];
	uint32_t cl_roles[GRAPH_MAX_HOSTS + 1];
	size_t ne, nh = 0, nd = 0, ncl = 0, i;
	uint64_t max = 0;

	if (!gr)
		return NULL;
	e = talk_sorted(t, &ne);
	if (ne && (!(h = collect_hosts(e, ne, &nh, &gr->info.hosts_drawn)) ||
		   !(d = merge_edges(e, ne, h, nh, &nd))))
		goto fail;
	gr->info.hosts = nh;
	gr->info.edges = nd;
	if (nd)
		qsort(d, nd, sizeof(*d), gedge_cmp);
	gr->g = agopen("impwatch", Agdirected, NULL);
	if (!gr->g)
		goto fail;
	agattr(gr->g, AGRAPH, "rankdir", "LR");
	agattr(gr->g, AGRAPH, "fontname", "Helvetica");
	agattr(gr->g, AGRAPH, "fontsize", "11");
	agattr(gr->g, AGRAPH, "nodesep", "0.3");
	agattr(gr->g, AGRAPH, "newrank", "true");
	agattr(gr->g, AGNODE, "shape", "box");
	agattr(gr->g, AGNODE, "style", "rounded");
	agattr(gr->g, AGNODE, "fontname", "Helvetica");
	agattr(gr->g, AGNODE, "fontsize", "11");
	agattr(gr->g, AGEDGE, "fontname", "Helvetica");
	agattr(gr->g, AGEDGE, "fontsize", "9");
	memset(nodes, 0, sizeof(nodes));
	for (i = 0; i < nd && i < GRAPH_MAX_EDGES; i++)
		if (d[i].bytes > max)
			max = d[i].bytes;
	for (i = 0; i < nd && i < GRAPH_MAX_EDGES; i++) {
		Agnode_t *c = make_node(gr, nodes, d[i].cn, h, nh,
					nh - gr->info.hosts_drawn, inventory,
					clusters, cl_roles, &ncl);
		Agnode_t *s = make_node(gr, nodes, d[i].sn, h, nh,
					nh - gr->info.hosts_drawn, inventory,
					clusters, cl_roles, &ncl);

		make_edge(gr->g, c, s, &d[i], cat, max, (unsigned)i);
	}
	gr->info.edges_drawn = i;
	for (; i < nd; i++) {
		gr->info.hidden_flows += d[i].flows;
		gr->info.hidden_bytes += d[i].bytes;
	}
	free(e);
	free(h);
	free(d);
	return gr;
fail:
	free(e);
	free(h);
	free(d);
	graph_free(gr);
	return NULL;
}

void graph_free(struct graph *g)
{
	if (!g)
		return;
	if (g->g)
		agclose(g->g);
	free(g);
}

void graph_info(const struct graph *g, struct graph_info *gi)
{
	*gi = g->info;
}

int graph_write_dot(struct graph *g, FILE *o)
{
	if (agwrite(g->g, o) != 0)
		return -1;
	return ferror(o) ? -1 : 0;
}

/*
 * Graphviz lays out in a child process. Graphviz 2.42 has aborted on
 * graphs the traffic chooses (a double free in gvFreeLayout(), before
 * newrank), and a picture is not worth the run's verdict: a child that
 * aborts, is killed or runs past GRAPH_LAYOUT_S costs the picture
 * alone. The child writes the SVG to one memory file and what Graphviz
 * said (its messages, and the C library's as it aborts) to another,
 * and ends without freeing; the parent reads both once it has ended.
 */

/* Graphviz's messages, in the child: to its standard error, which is
   the memory file the parent reads. */
static int gv_hear(char *msg)
{
	size_t n = strlen(msg);

	return write(STDERR_FILENO, msg, n) == (ssize_t)n ? 0 : -1;
}

/* The child: lay out, render, write; never returns. impwatch's signal
   handlers are its own again: SIGINT and SIGTERM end it, as the alarm
   does. Nothing is freed (gvFreeLayout() is where 2.42 aborted) and
   no stdio buffer of the parent's is flushed twice (_exit()). */
static void child(struct graph *g, int svg_fd, int why_fd)
{
	GVC_t *gvc;
	char *data = NULL, *start;
	unsigned int len = 0;
	sigset_t all;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	alarm(GRAPH_LAYOUT_S);
	if (dup2(why_fd, STDERR_FILENO) < 0)
		_exit(2);
	agseterrf(gv_hear);
	gvc = gvContext();
	if (!gvc || gvLayout(gvc, g->g, "dot") != 0 ||
	    gvRenderData(gvc, g->g, "svg", &data, &len) != 0 || !data)
		_exit(1);
	/* The XML prolog and DOCTYPE have no place inside HTML. */
	start = memmem(data, len, "<svg", 4);
	if (!start)
		_exit(1);
	_exit(write_all(svg_fd, start, len - (size_t)(start - data)) == 0 ?
	      0 : 1);
}

/* What the memory file fd holds, NUL-terminated (at most max bytes
   when max): NULL when it could not be read. */
static char *read_back(int fd, size_t max)
{
	off_t end = lseek(fd, 0, SEEK_END);
	size_t n, got = 0;
	char *buf;
	ssize_t r;

	if (end < 0 || lseek(fd, 0, SEEK_SET) != 0)
		return NULL;
	n = max && (size_t)end > max ? max : (size_t)end;
	if (!(buf = malloc(n + 1)))
		return NULL;
	while (got < n && (r = read(fd, buf + got, n - got)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	return buf;
}

/* What Graphviz said, on one line, into why: its first line (the
   rest of 'trouble in init_rank' is the ranks, line by line), after
   how the child ended when it did not end well. */
static void say_why(int why_fd, int status, char *why, size_t size)
{
	char *said = read_back(why_fd, GRAPH_WHY_MAX), *nl;
	int n = 0;

	if (said && (nl = strchr(said, '\n')))
		*nl = '\0';
	if (WIFSIGNALED(status))
		n = snprintf(why, size, "%s%s%s", WTERMSIG(status) == SIGALRM ?
			     "it ran longer than the bound" :
			     strsignal(WTERMSIG(status)),
			     said && *said ? ": " : "", said ? said : "");
	else if (said && *said)
		n = snprintf(why, size, "%s", said);
	else if (WIFEXITED(status) && WEXITSTATUS(status) > 1)
		n = snprintf(why, size, "its process ended with status %d",
			     WEXITSTATUS(status));
	else
		n = snprintf(why, size, "%s", "");
	if (n < 0 && size)
		why[0] = '\0';
	free(said);
}

char *graph_svg(struct graph *g, char *why, size_t size)
{
	int svg_fd = memfd_create("impwatch-svg", MFD_CLOEXEC);
	int why_fd = memfd_create("impwatch-graphviz", MFD_CLOEXEC);
	char *svg = NULL;
	int status = 0;
	pid_t pid = -1;

	if (why && size)
		why[0] = '\0';
	/* Nothing buffered for a child that Graphviz ends with exit()
	   (2.42 does when it runs out of memory) to write a second time. */
	fflush(NULL);
	if (svg_fd >= 0 && why_fd >= 0)
		pid = fork();
	if (pid == 0)
		child(g, svg_fd, why_fd);
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			svg = read_back(svg_fd, 0);
		if (!svg && why)
			say_why(why_fd, status, why, size);
	} else if (why) {
		snprintf(why, size, "no process for it: %s", strerror(errno));
	}
	if (svg_fd >= 0)
		close(svg_fd);
	if (why_fd >= 0)
		close(why_fd);
	return svg;
}
