// i18n.js: every word podium's pages show, announce or put in a tooltip,
// one message table per language, chosen by the deck's lang. A key
// missing from a language falls back to English, key by key; a deck in a
// language with no table reads English. server/web's i18n_test.go reads
// MESSAGES as JSON (it must stay JSON: quoted keys, no comments, no
// trailing commas) and checks that every table has the same keys.
//
// A value is a string, or for a count the plural forms of
// Intl.PluralRules ({"one": …, "other": …}); "{name}" is filled in by t().

export const MESSAGES = {
"en": {
  "slide": "Slide",
  "slideRole": "slide",
  "presentation": "presentation",
  "prev": "Previous",
  "next": "Next",
  "overview": "Overview",
  "help": "Keyboard shortcuts",
  "goto": "Go to slide",
  "gotoHint": "Number or words of a title",
  "noMatch": "No slide matches",
  "close": "Close",
  "blackout": "Screen paused, press B to resume",
  "step": "Step",
  "live": "Live",
  "liveHint": "Following the speaker's slides",
  "reconnecting": "Reconnecting…",
  "reconnectingHint": "Connection lost; the page catches up when it is back",
  "offline": "Offline",
  "offlineHint": "No network; the page catches up when it is back",
  "detached": "Browsing",
  "detachedHint": "You are browsing on your own; the speaker's slides do not move this page",
  "backToLive": "Back to live",
  "paused": "The speaker paused the screen",
  "pausedHint": "The slides come back when the talk goes on.",
  "browse": "Browse the slides meanwhile",
  "download": "Download the slides",
  "loadRetry": "Could not load the presentation, retrying…",
  "loadFailed": "Could not load the presentation: {error}",
  "keyNext": "Next step or slide",
  "keyPrev": "Previous step or slide",
  "keyEnds": "First / last slide",
  "keyOverview": "Overview of all slides",
  "keyGoto": "Go to a slide by number or title",
  "keyFull": "Full screen",
  "keyBlack": "Black screen (pause)",
  "keyPresenter": "Presenter view, in a new window (needs the presenter link once)",
  "keyHelp": "This help",
  "current": "current",
  "slideCount": {"one": "{n} slide", "other": "{n} slides"},

  "connecting": "Connecting…",
  "denied": "Not authorised",
  "deniedPresenter": "This is the presenter view. Open the presenter URL printed by podium when it started, the one with {code}.",
  "deniedRemote": "This is the speaker's remote. Open the remote URL printed by podium when it started, the one with {code}.",
  "presenterTitle": "presenter",
  "remoteTitle": "remote",
  "statusLive": "live",
  "statusOffline": "offline",
  "statusReconnecting": "reconnecting…",
  "peopleHint": "Audience devices connected",
  "audienceDevices": {"one": "{n} audience device", "other": "{n} audience devices"},
  "presenterDevices": {"one": "{n} presenter device", "other": "{n} presenter devices"},
  "projectorsDriving": {"one": "{n} projector driving", "other": "{n} projectors driving"},
  "projectorsHint": {"one": "{n} window of the audience page with presenter rights: keys and clicker there move everyone", "other": "{n} windows of the audience page with presenter rights: keys and clicker there move everyone"},
  "chapters": "Chapters",
  "qrAlt": "QR code of the audience address",
  "currentSlide": "Current slide",
  "blackBadge": "Audience sees a black screen · B to resume",
  "timerPanel": "Timer and controls",
  "timerStart": "Start",
  "timerPause": "Pause",
  "timerResume": "Resume",
  "timerReset": "Reset",
  "timerResetHint": "Set the talk timer back to 0:00",
  "targetOf": "of",
  "targetMin": "min",
  "targetHint": "Planned length of the talk, in minutes",
  "onTime": "on time",
  "behind": "{t} behind",
  "ahead": "{t} ahead",
  "left": "{t} left",
  "over": "{t} over",
  "prevButton": "◀ Prev",
  "prevHint": "Previous (←)",
  "nextButton": "Next ▶",
  "nextHint": "Next (→ or Space)",
  "blackoutButton": "Blackout",
  "blackoutHint": "Black screen for everyone (B)",
  "hold": "Hold edits",
  "holding": "Holding edits",
  "holdHint": "Keep the audience on the published deck while you edit",
  "holdingHint": "Stop holding: send the edits to everyone, as Publish does",
  "publish": "Publish",
  "publishHint": "Send the newest edits to everyone",
  "offer": "Offer slides",
  "offerHint": "Phones show a link to download the slides (never the notes)",
  "holdPending": "Edits waiting: everyone, you included, stays on the published deck until Publish.",
  "holdWaiting": "Holding: new edits will wait for Publish.",
  "pendingLabel": "Pending edits",
  "pendingHead": "Pending: Publish sends",
  "kindAdded": "new",
  "kindChanged": "changed",
  "kindRemoved": "removed",
  "kindProblem": "problem",
  "addedAfter": "“{title}” after “{prev}”",
  "addedStart": "“{title}” at the start",
  "quoted": "“{title}”",
  "settingsChanged": "the theme or the talk's settings",
  "pendingBroken": {"one": "the newest save does not load ({n} problem, listed above): the pending edits are those of the last save that did", "other": "the newest save does not load ({n} problems, listed above): the pending edits are those of the last save that did"},
  "nextLabel": "Next",
  "nextStep": "Next: step {s}/{n}",
  "nextSlide": "Next: {i} / {n}",
  "nextTitle": "Next: {title}",
  "nextStepShort": "Next: step {s}",
  "lastSlide": "Last slide",
  "end": "End of the talk",
  "stepOf": "step {s}/{n}",
  "notes": "Notes",
  "notesLabel": "Speaker notes",
  "smaller": "Smaller notes",
  "larger": "Larger notes",
  "noNotes": "No notes for this slide.",
  "notSent": "Not connected: the command was not sent",
  "tooFast": "Too fast: a command was dropped",
  "replicas": {"one": "{n} replica", "other": "{n} replicas"},
  "clusterUnreachable": "cluster unreachable: moves refused",
  "clusterUnreachableHint": "NATS cannot be reached: every replica keeps showing the current slide, and moves wait until it is back, so that the replicas cannot disagree",
  "problemsLabel": "Problems in the talk's files",
  "problemsHead": "The last save does not load",
  "problemsHint": "Everyone keeps the last good version until the files are fixed.",
  "warningsHead": {"one": "{n} warning in the talk's files", "other": "{n} warnings in the talk's files"},
  "warningsHint": "The talk loads and everyone sees it; these are probably mistakes (podium check lists them too).",
  "dismiss": "Dismiss",
  "timerHint": "Talk timer: tap to start or pause",
  "drive": "Drive the presentation",
  "targetSet": "Target",
  "notesSize": "Notes size"
},
"zh-CN": {
  "slide": "幻灯片",
  "slideRole": "幻灯片",
  "presentation": "演示",
  "prev": "上一页",
  "next": "下一页",
  "overview": "总览",
  "help": "键盘快捷键",
  "goto": "跳转到幻灯片",
  "gotoHint": "输入页码或标题中的文字",
  "noMatch": "没有匹配的幻灯片",
  "close": "关闭",
  "blackout": "已暂停，按 B 继续",
  "step": "步骤",
  "live": "直播中",
  "liveHint": "正在跟随演讲者的幻灯片",
  "reconnecting": "重新连接…",
  "reconnectingHint": "连接中断，恢复后自动同步",
  "offline": "离线",
  "offlineHint": "没有网络，恢复后自动同步",
  "detached": "自由浏览",
  "detachedHint": "你在自己浏览，演讲者翻页不会带动本页",
  "backToLive": "回到直播",
  "paused": "演讲者暂停了画面",
  "pausedHint": "演讲继续时，画面会自动回来。",
  "browse": "先自己看看幻灯片",
  "download": "下载幻灯片",
  "loadRetry": "无法加载演示，正在重试…",
  "loadFailed": "无法加载演示：{error}",
  "keyNext": "下一步 / 下一页",
  "keyPrev": "上一步 / 上一页",
  "keyEnds": "第一页 / 最后一页",
  "keyOverview": "所有幻灯片总览",
  "keyGoto": "按页码或标题跳转",
  "keyFull": "全屏",
  "keyBlack": "黑屏（暂停）",
  "keyPresenter": "在新窗口打开演讲者视图（需先打开一次演讲者链接）",
  "keyHelp": "本帮助",
  "current": "当前",
  "slideCount": {"other": "{n} 页"},

  "connecting": "正在连接…",
  "denied": "没有权限",
  "deniedPresenter": "这是演讲者视图。请打开 podium 启动时打印的、带 {code} 的演讲者地址。",
  "deniedRemote": "这是演讲者遥控器。请打开 podium 启动时打印的、带 {code} 的遥控地址。",
  "presenterTitle": "演讲者视图",
  "remoteTitle": "遥控器",
  "statusLive": "已连接",
  "statusOffline": "离线",
  "statusReconnecting": "重新连接…",
  "peopleHint": "已连接的观众设备",
  "audienceDevices": {"other": "{n} 台观众设备"},
  "presenterDevices": {"other": "{n} 台演讲者设备"},
  "projectorsDriving": {"other": "{n} 台投影在翻页"},
  "projectorsHint": {"other": "{n} 个带演讲者权限的观众页窗口：在那里按键或用翻页笔会带动所有人"},
  "chapters": "章节",
  "qrAlt": "观众地址的二维码",
  "currentSlide": "当前幻灯片",
  "blackBadge": "观众看到的是黑屏 · 按 B 恢复",
  "timerPanel": "计时与控制",
  "timerStart": "开始",
  "timerPause": "暂停",
  "timerResume": "继续",
  "timerReset": "归零",
  "timerResetHint": "把演讲计时器归零",
  "targetOf": "共",
  "targetMin": "分钟",
  "targetHint": "计划的演讲时长（分钟）",
  "onTime": "时间正好",
  "behind": "落后 {t}",
  "ahead": "超前 {t}",
  "left": "还剩 {t}",
  "over": "超时 {t}",
  "prevButton": "◀ 上一页",
  "prevHint": "上一页（←）",
  "nextButton": "下一页 ▶",
  "nextHint": "下一页（→ 或空格）",
  "blackoutButton": "黑屏",
  "blackoutHint": "所有人黑屏（B）",
  "hold": "暂缓发布",
  "holding": "正在暂缓",
  "holdHint": "编辑时让观众停留在已发布的版本",
  "holdingHint": "停止暂缓：把修改发给所有人，同“发布”",
  "publish": "发布",
  "publishHint": "把最新的修改发给所有人",
  "offer": "提供下载",
  "offerHint": "观众手机上显示下载幻灯片的链接（不含备注）",
  "holdPending": "有修改在等待：在发布之前，所有人（包括你）都停留在已发布的版本。",
  "holdWaiting": "暂缓中：新的修改会等到发布。",
  "pendingLabel": "待发布的修改",
  "pendingHead": "待发布：点“发布”会发送",
  "kindAdded": "新增",
  "kindChanged": "修改",
  "kindRemoved": "删除",
  "kindProblem": "问题",
  "addedAfter": "“{title}”，在“{prev}”之后",
  "addedStart": "“{title}”，在最前面",
  "quoted": "“{title}”",
  "settingsChanged": "主题或演示的设置",
  "pendingBroken": {"other": "最新保存的文件无法加载（{n} 个问题，见上方）：待发布的是最后一次能加载的保存"},
  "nextLabel": "下一个",
  "nextStep": "下一个：第 {s}/{n} 步",
  "nextSlide": "下一个：{i} / {n}",
  "nextTitle": "下一页：{title}",
  "nextStepShort": "下一个：第 {s} 步",
  "lastSlide": "最后一页",
  "end": "演讲结束",
  "stepOf": "第 {s}/{n} 步",
  "notes": "备注",
  "notesLabel": "演讲者备注",
  "smaller": "缩小备注文字",
  "larger": "放大备注文字",
  "noNotes": "这一页没有备注。",
  "notSent": "未连接：命令没有发出",
  "tooFast": "太快了：有一个命令被丢弃",
  "replicas": {"other": "{n} 个副本"},
  "clusterUnreachable": "集群无法连接：暂不能翻页",
  "clusterUnreachableHint": "无法连接 NATS：每个副本继续显示当前幻灯片，翻页要等连接恢复，以免各副本不一致",
  "problemsLabel": "演示文件中的问题",
  "problemsHead": "最后一次保存无法加载",
  "problemsHint": "在文件修好之前，所有人看到的都是最后一个可用的版本。",
  "warningsHead": {"other": "演示文件中有 {n} 个警告"},
  "warningsHint": "演示可以加载，大家也都能看到；这些多半是笔误（podium 的检查命令也会列出）。",
  "dismiss": "关闭",
  "timerHint": "演讲计时器：轻点开始或暂停",
  "drive": "控制演示",
  "targetSet": "目标",
  "notesSize": "备注字号"
}
};

const FALLBACK = "en";

/**
 * tableFor resolves a BCP 47 tag to a table: the tag itself, else its
 * language (zh-TW and zh read the zh-CN table, the only Chinese one),
 * else English.
 */
function tableFor(lang) {
  if (MESSAGES[lang]) return lang;
  const base = String(lang || "").split("-")[0].toLowerCase();
  return Object.keys(MESSAGES).find((l) => l.split("-")[0].toLowerCase() === base) || FALLBACK;
}

// BOOKS are the merged tables, built once and frozen: each language over
// English, so a missing key reads English.
const BOOKS = Object.freeze(Object.fromEntries(Object.keys(MESSAGES).map((l) => [l, book(l)])));

function book(lang) {
  const table = Object.assign({}, MESSAGES[FALLBACK], MESSAGES[lang]);
  const rules = new Intl.PluralRules(lang);
  /**
   * t returns the message key with {name} filled from vars; for a
   * plural message, vars.n picks the form.
   */
  table.t = (key, vars = {}) => {
    let m = table[key];
    if (m && typeof m === "object") m = m[rules.select(vars.n ?? 0)] ?? m.other;
    if (typeof m !== "string") return key;
    return m.replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
  };
  table.lang = lang;
  return Object.freeze(table);
}

/**
 * words returns the message table for a deck's lang: its strings as
 * properties (w.live), and w.t(key, vars) for messages with counts or
 * values in them.
 */
export function words(lang) {
  return BOOKS[tableFor(lang)];
}

const LOCALIZED_ATTRS = [
  ["[data-t-title]", "tTitle", "title"],
  ["[data-t-aria]", "tAria", "aria-label"],
  ["[data-t-placeholder]", "tPlaceholder", "placeholder"],
];

/**
 * localize puts the table's words into the page's own markup, which
 * carries English until then: data-t="key" sets the text (a {code} in the
 * message keeps the element's <code> child there), data-t-title,
 * data-t-aria (aria-label) and data-t-placeholder set those attributes.
 * It runs at start and again when the deck's lang changes.
 */
export function localize(root, w) {
  for (const el of root.querySelectorAll("[data-t]")) {
    const msg = w.t(el.dataset.t), code = el.querySelector("code");
    if (code && msg.includes("{code}")) {
      const [a, b] = msg.split("{code}");
      el.replaceChildren(a, code, b);
    } else {
      el.textContent = msg;
    }
  }
  for (const [sel, key, name] of LOCALIZED_ATTRS) {
    for (const el of root.querySelectorAll(sel)) el.setAttribute(name, w.t(el.dataset[key]));
  }
}
