// Reloads a preview page when the quiz files it shows change (server-sent events).
// The page says what it shows: data-live-file (a file), data-live-quiz (a quiz id),
// or data-live="all" (the list of every file).
(function () {
  "use strict";
  var body = document.body;
  if (!window.EventSource || !body.dataset) return;
  var file = body.dataset.liveFile, quiz = body.dataset.liveQuiz, all = body.dataset.live === "all";
  if (!file && !quiz && !all) return;
  var source = new EventSource("/events");
  source.addEventListener("reload", function (message) {
    var change;
    try { change = JSON.parse(message.data); } catch (e) { return; }
    var mine = all ||
      (file && change.changed.indexOf(file) !== -1) ||
      (quiz && change.quizzes.indexOf(quiz) !== -1);
    if (mine) {
      source.close();
      window.location.reload();
    }
  });
})();
