// The live refund dashboard: refundMetrics over HTTP, refundEvents over graphql-ws (the
// graphql-transport-ws protocol, spoken by hand: a handful of messages, no bundle to ship).
/* global echarts */
"use strict";

const STORE = { token: "refundDashboard.token", lang: "refundDashboard.lang", days: "refundDashboard.days" };
const TEXT = {
  zh: {
    title: "退款看板", token: "API 令牌", period: "周期", days: "天", load: "加载", switch: "English",
    refundRate: "退款率", refundCount: "退款数", refundedAmount: "已退金额", automation: "自动处理",
    handling: "平均处理时长", firstResponse: "首次响应 (中位数)", repeat: "30 天重复申请", repurchase: "30 天复购",
    breaches: "超时未处理", live: "实时流转", reasons: "退款原因", handlingChart: "处理时长分布", trend: "每日退款率与 14 天预测",
    all: "全部", manual: "人工处理", rate: "退款率", forecast: "预测", industry: "行业", orders: "订单",
    buckets: ["< 24 小时", "1–3 天", "3–7 天", "> 7 天"], vsIndustry: "行业 {0}，{1}", better: "优于行业", worse: "高于行业",
    ofOrders: "{0} 笔订单", resolved: "{0} / {1} 已结束", p90: "P90 {0}", noToken: "请输入 API 令牌", loading: "加载中…",
    liveOn: "实时连接中", liveOff: "实时连接断开，正在重连…", none: "暂无数据", seconds: "秒", minutes: "分钟", hours: "小时", dayUnit: "天",
    staff: "客服质量", member: "成员", handled: "处理数", responseP50: "首次响应 P50", responseP90: "首次响应 P90",
    handlingAvg: "平均处理时长", reopened: "重开/升级", memberBreaches: "超时", rating: "平均评分",
  },
  en: {
    title: "Refund dashboard", token: "API token", period: "Period", days: "days", load: "Load", switch: "中文",
    refundRate: "Refund rate", refundCount: "Refunds", refundedAmount: "Refunded", automation: "Automated",
    handling: "Avg. handling time", firstResponse: "First response (median)", repeat: "Repeat within 30 d", repurchase: "Repurchase within 30 d",
    breaches: "Overdue", live: "Live transitions", reasons: "Refund reasons", handlingChart: "Handling time", trend: "Daily refund rate and 14-day forecast",
    all: "All", manual: "Handled by people", rate: "Refund rate", forecast: "Forecast", industry: "Industry", orders: "Orders",
    buckets: ["< 24 h", "1–3 d", "3–7 d", "> 7 d"], vsIndustry: "industry {0}, {1}", better: "better", worse: "worse",
    ofOrders: "of {0} orders", resolved: "{0} of {1} ended", p90: "p90 {0}", noToken: "Enter an API token", loading: "Loading…",
    liveOn: "Live", liveOff: "Live connection lost, reconnecting…", none: "No data", seconds: "s", minutes: "min", hours: "h", dayUnit: "d",
    staff: "Quality per agent", member: "Member", handled: "Handled", responseP50: "First response p50", responseP90: "First response p90",
    handlingAvg: "Avg. handling", reopened: "Reopened / escalated", memberBreaches: "Late", rating: "Avg. rating",
  },
};

const METRICS = `query ($from: DateTime!, $to: DateTime!) {
  refundMetrics(from: $from, to: $to) {
    timeZone orderCount refundCount refundRate refundedAmount { formatted }
    parentReasons { reason { code label } count share }
    handlingTime { count averageSeconds p90Seconds buckets { key count share } }
    manualHandlingTime { count buckets { key count share } }
    automation { resolvedCount automatedCount share }
    firstResponse { count p50Seconds p90Seconds }
    deadlineBreaches { count }
    repeatRequests { count rate }
    repurchase { endedCount repurchasedCount rate }
    industry { industryRefundRate difference }
    trend { date orders refunds refundRate }
    forecast { method library points { date refundRate } unavailableReason }
  }
  staffMetrics(from: $from, to: $to) {
    members {
      member { id name role } refundsHandled reopenedOrEscalatedShare deadlineBreaches ratingCount averageRating
      firstResponse { count p50Seconds p90Seconds } handlingTime { count averageSeconds }
    }
  }
}`;
const EVENTS = `subscription { refundEvents { id version from to action createdAt actor { kind role name } refund { id order { externalId } customer { name } } } }`;

let lang = localStorage.getItem(STORE.lang) === "en" ? "en" : "zh";
let metrics = null;
let staff = [];
let stopLive = null;
let refreshTimer = null;
const charts = {};
const $ = (selector) => document.querySelector(selector);
const t = (key) => TEXT[lang][key];
const fill = (text, ...values) => values.reduce((out, value, index) => out.replace(`{${index}}`, value), text);
const percent = (share) => `${(share * 100).toFixed(1)}%`;

function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds)} ${t("seconds")}`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} ${t("minutes")}`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} ${t("hours")}`;
  return `${(seconds / 86400).toFixed(1)} ${t("dayUnit")}`;
}

function status(message) {
  $("#status").textContent = message || "";
}

async function graphql(query, variables) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${localStorage.getItem(STORE.token) || ""}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) throw new Error(body.errors[0].message);
  return body.data;
}

async function loadMetrics() {
  const days = Number(localStorage.getItem(STORE.days) || 90);
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const data = await graphql(METRICS, { from: from.toISOString(), to: to.toISOString() });
  metrics = data.refundMetrics;
  staff = data.staffMetrics.members;
  render();
  // The period shown, for whoever checks the page's figures against the API.
  Object.assign(document.body.dataset, { from: from.toISOString(), to: to.toISOString(), loadedAt: String(Date.now()) });
}

function tile(name, value, sub) {
  const element = document.querySelector(`[data-kpi="${name}"]`);
  element.querySelector(".value").textContent = value;
  element.querySelector(".sub").textContent = sub || "";
}

function render() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  if (!metrics) return;
  const m = metrics;
  const industry = m.industry.industryRefundRate;
  tile("refundRate", percent(m.refundRate),
    industry === null ? fill(t("ofOrders"), m.orderCount) : fill(t("vsIndustry"), percent(industry), t(m.industry.difference <= 0 ? "better" : "worse")));
  tile("refundCount", String(m.refundCount), fill(t("ofOrders"), m.orderCount));
  tile("refundedAmount", m.refundedAmount.formatted);
  tile("automation", percent(m.automation.share), fill(t("resolved"), m.automation.automatedCount, m.automation.resolvedCount));
  tile("handling", duration(m.handlingTime.averageSeconds), fill(t("p90"), duration(m.handlingTime.p90Seconds)));
  tile("firstResponse", duration(m.firstResponse.p50Seconds), fill(t("p90"), duration(m.firstResponse.p90Seconds)));
  tile("repeat", percent(m.repeatRequests.rate), String(m.repeatRequests.count));
  tile("repurchase", percent(m.repurchase.rate), `${m.repurchase.repurchasedCount} / ${m.repurchase.endedCount}`);
  tile("breaches", String(m.deadlineBreaches.count));
  drawCharts(m, industry);
  drawStaff();
}

/** The per-agent table; text only (names are the shop's input). */
function drawStaff() {
  const body = $("#staff-table tbody");
  body.replaceChildren(...staff.map((row) => {
    const line = document.createElement("tr");
    line.dataset.memberId = row.member.id;
    const cells = [
      `${row.member.name} (${row.member.role})`,
      String(row.refundsHandled),
      row.firstResponse.count ? duration(row.firstResponse.p50Seconds) : "—",
      row.firstResponse.count ? duration(row.firstResponse.p90Seconds) : "—",
      row.handlingTime.count ? duration(row.handlingTime.averageSeconds) : "—",
      percent(row.reopenedOrEscalatedShare),
      String(row.deadlineBreaches),
      row.averageRating === null ? "—" : `${row.averageRating.toFixed(1)} (${row.ratingCount})`,
    ];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      line.append(cell);
    }
    return line;
  }));
}

function chart(id) {
  charts[id] ??= echarts.init(document.getElementById(id));
  return charts[id];
}

function drawCharts(m, industry) {
  chart("reasons-chart").setOption({
    title: { text: t("reasons"), left: 10, top: 8, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
    legend: { bottom: 0, type: "scroll" },
    series: [{
      type: "pie", radius: ["35%", "62%"], center: ["50%", "52%"],
      label: { formatter: "{b}\n{d}%" },
      data: m.parentReasons.map((row) => ({ name: row.reason.label, value: row.count })),
    }],
  }, true);
  const share = (stats) => stats.buckets.map((bucket) => Number((bucket.share * 100).toFixed(1)));
  chart("handling-chart").setOption({
    title: { text: t("handlingChart"), left: 10, top: 8, textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis", valueFormatter: (value) => `${value}%` },
    legend: { bottom: 0 },
    grid: { left: 50, right: 20, top: 50, bottom: 50 },
    xAxis: { type: "category", data: t("buckets") },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      { name: t("all"), type: "bar", data: share(m.handlingTime), label: { show: true, position: "top", formatter: "{c}%" } },
      { name: t("manual"), type: "bar", data: share(m.manualHandlingTime), label: { show: true, position: "top", formatter: "{c}%" } },
    ],
  }, true);
  const dates = [...m.trend.map((day) => day.date), ...m.forecast.points.map((point) => point.date)];
  const lastActual = m.trend.length ? m.trend[m.trend.length - 1] : null;
  const rate = (value) => Number((value * 100).toFixed(2));
  chart("trend-chart").setOption({
    title: { text: t("trend"), subtext: m.forecast.unavailableReason || m.forecast.method, left: 10, top: 4, textStyle: { fontSize: 14 }, subtextStyle: { fontSize: 11 } },
    tooltip: { trigger: "axis", valueFormatter: (value) => (value == null ? "—" : `${value}%`) },
    legend: { bottom: 0 },
    grid: { left: 50, right: 30, top: 60, bottom: 50 },
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      {
        name: t("rate"), type: "line", showSymbol: false, data: m.trend.map((day) => rate(day.refundRate)),
        markLine: industry === null ? undefined : { symbol: "none", label: { formatter: `${t("industry")} {c}%` }, data: [{ yAxis: rate(industry) }] },
      },
      {
        name: t("forecast"), type: "line", showSymbol: false, lineStyle: { type: "dashed" },
        // Starts at the last actual day so the two lines join.
        data: [...m.trend.slice(0, -1).map(() => null), lastActual ? rate(lastActual.refundRate) : null, ...m.forecast.points.map((point) => rate(point.refundRate))],
      },
    ],
  }, true);
}

function showEvent(event) {
  const item = document.createElement("li");
  item.className = "fresh";
  item.dataset.transitionId = event.id;
  const time = new Date(event.createdAt).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", { hour12: false });
  const actor = event.actor.kind === "USER" ? `${event.actor.role}${event.actor.name ? ` ${event.actor.name}` : ""}` : event.actor.kind;
  // A refund by its order and customer, as the shop's people know it.
  item.dataset.refundId = event.refund.id;
  item.textContent = `${time}  ${event.refund.order.externalId} ${event.refund.customer.name} v${event.version}  ${event.from ?? "—"} → ${event.to}  ${event.action}  (${actor})`;
  $("#events").prepend(item);
  while ($("#events").children.length > 50) $("#events").lastElementChild.remove();
  // Figures follow the stream, at most every two seconds.
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => loadMetrics().catch((error) => status(error.message)), 2000);
}

function followEvents(token) {
  let socket;
  let retries = 0;
  let stopped = false;
  const open = () => {
    socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    socket.onopen = () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "connection_ack") {
        retries = 0;
        document.body.dataset.live = "on";
        socket.send(JSON.stringify({ id: "events", type: "subscribe", payload: { query: EVENTS } }));
      } else if (data.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (data.type === "next" && data.payload.errors) {
        status(data.payload.errors[0].message);
      } else if (data.type === "next") {
        showEvent(data.payload.data.refundEvents);
      } else if (data.type === "error") {
        status(data.payload[0]?.message);
      } else if (data.type === "complete") {
        socket.close(); // the server is shutting down: come back to another process
      }
    };
    socket.onclose = () => {
      document.body.dataset.live = "off";
      if (stopped) return;
      status(t("liveOff"));
      setTimeout(open, Math.min(30_000, 1000 * 2 ** retries++));
    };
  };
  open();
  return () => {
    stopped = true;
    socket.close();
  };
}

async function start() {
  const token = localStorage.getItem(STORE.token);
  stopLive?.();
  stopLive = null;
  if (!token) return status(t("noToken"));
  status(t("loading"));
  try {
    await loadMetrics();
    status("");
    stopLive = followEvents(token);
  } catch (error) {
    status(error.message);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token").value = localStorage.getItem(STORE.token) || "";
  $("#days").value = localStorage.getItem(STORE.days) || "90";
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem(STORE.token, $("#token").value.trim());
    localStorage.setItem(STORE.days, $("#days").value);
    start();
  });
  $("#lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem(STORE.lang, lang);
    render();
  });
  window.addEventListener("resize", () => Object.values(charts).forEach((instance) => instance.resize()));
  render();
  start();
});
