//! The widget's own words in every language Charla speaks. Channel texts
//! (welcome message, placeholder, button text) come from the channel; these
//! are the rest: accessible names and connection notices.

use charla_client::chat::StatusWords;
use charla_shared::channel::Language;
use leptos::prelude::{Get, RwSignal, Signal};

/// The widget's fixed texts in one language.
#[derive(Debug)]
pub struct Texts {
    /// The chat button's accessible name.
    pub open_chat: &'static str,
    /// The close button's accessible name.
    pub close_chat: &'static str,
    /// The send button's accessible name.
    pub send: &'static str,
    /// Label of the text input.
    pub message_label: &'static str,
    /// Accessible name of the message list.
    pub log_label: &'static str,
    /// How the visitor's own messages are signed.
    pub you: &'static str,
    /// Shown on messages not yet acknowledged.
    pub sending: &'static str,
    /// The connection's status line.
    pub status: StatusWords,
    /// Announces unread replies on the chat button.
    pub unread: &'static str,
    /// The accessible name of the button that hides the notification.
    pub dismiss: &'static str,
    /// Restarts a chatbot whose script ended.
    pub restart: &'static str,
    /// The accessible name of a chatbot question's answers.
    pub answers: &'static str,
    /// Shown while a chatbot "types" its next message (after its name).
    pub typing: &'static str,
    /// Asks for a person instead of the chatbot.
    pub talk_to_person: &'static str,
    /// Asked under the assistant's answer; the button that says yes, and
    /// what the visitor's message then says.
    pub helped: [&'static str; 3],
    /// Ends the conversation (unlike closing the window).
    pub end_chat: &'static str,
    /// The accessible name of the button that opens the help articles.
    pub help: &'static str,
    /// Asked when the conversation ends.
    pub question: &'static str,
    /// The faces' names: satisfied, neutral, dissatisfied.
    pub faces: [&'static str; 3],
    /// Label of the reason box after a neutral or dissatisfied face.
    pub reason: &'static str,
    /// After the rating.
    pub thanks: &'static str,
    /// Forgets the ended conversation and closes the window.
    pub close_conversation: &'static str,
    /// Label of the e-mail box for a copy.
    pub copy: &'static str,
    /// The button that sends the copy.
    pub send_copy: &'static str,
    /// Said once the copy is on its way (before the address).
    pub copy_sent: &'static str,
    /// Downloads the conversation as text.
    pub download: &'static str,
    /// Under the visitor's message an operator has read.
    pub seen: &'static str,
    /// The accessible name of the button that turns the chime on and off.
    pub sound: &'static str,
    /// The emoji button's accessible name, and its picker's.
    pub emoji: &'static str,
    /// The file picker's accessible name.
    pub attach: &'static str,
    /// Sends a file that failed again.
    pub retry: &'static str,
    /// The offline form's name field.
    pub your_name: &'static str,
    /// The offline form's e-mail field.
    pub your_email: &'static str,
    /// Sends the offline form.
    pub leave_message: &'static str,
    /// Once the offline message is kept.
    pub message_left: &'static str,
    /// While the conversation waits for a person: before and after its
    /// place in the queue.
    pub waiting: [&'static str; 2],
    /// After the chat name of the operator who attends the conversation.
    pub online: &'static str,
}

/// The texts in a language.
pub fn texts(language: Language) -> &'static Texts {
    match language {
        Language::En => &EN,
        Language::Es => &ES,
        Language::Pt => &PT,
    }
}

/// One of the fixed texts, following the widget's language. Every text of
/// the window is this one type of signal, so the renderer's code for a
/// text that changes with the language is in the widget once, not once
/// per text.
pub fn say(
    language: RwSignal<Language>,
    pick: fn(&'static Texts) -> &'static str,
) -> Signal<&'static str> {
    Signal::derive(move || pick(texts(language.get())))
}

const EN: Texts = Texts {
    open_chat: "Open chat",
    close_chat: "Close chat",
    send: "Send",
    message_label: "Your message",
    log_label: "Conversation",
    you: "You",
    sending: "Sending…",
    status: StatusWords {
        connecting: "Connecting…",
        reconnecting: "Connection lost. Reconnecting… Your messages will be sent.",
        offline: "You are offline. Your messages will be sent when you are back online.",
    },
    unread: "unread replies",
    dismiss: "Dismiss",
    restart: "Restart",
    answers: "Answers",
    typing: "is typing…",
    talk_to_person: "Talk to a person",
    helped: ["Did this answer your question?", "Yes", "Yes, thanks!"],
    end_chat: "End conversation",
    help: "Help articles",
    question: "Did we correctly answer your question?",
    faces: ["Satisfied", "Neutral", "Dissatisfied"],
    reason: "What could we have done better?",
    thanks: "Thank you for your feedback",
    close_conversation: "Close conversation",
    copy: "Receive a copy of this conversation",
    send_copy: "Send me a copy",
    copy_sent: "A copy is on its way to",
    download: "Download transcript",
    seen: "Seen",
    sound: "Sound for new messages",
    emoji: "Emoji",
    attach: "Attach a file",
    retry: "Try again",
    your_name: "Your name",
    your_email: "Your e-mail",
    leave_message: "Leave the message",
    message_left: "Thank you: we will answer by e-mail.",
    waiting: ["Waiting for an operator. You are number ", " in line."],
    online: "online",
};

const ES: Texts = Texts {
    open_chat: "Abrir el chat",
    close_chat: "Cerrar el chat",
    send: "Enviar",
    message_label: "Su mensaje",
    log_label: "Conversación",
    you: "Usted",
    sending: "Enviando…",
    status: StatusWords {
        connecting: "Conectando…",
        reconnecting: "Se perdió la conexión. Reconectando… Sus mensajes se enviarán.",
        offline: "Está sin conexión. Sus mensajes se enviarán cuando vuelva a estar en línea.",
    },
    unread: "respuestas sin leer",
    dismiss: "Descartar",
    restart: "Reiniciar",
    answers: "Respuestas",
    typing: "está escribiendo…",
    talk_to_person: "Hablar con una persona",
    helped: ["¿Esto responde a su pregunta?", "Sí", "Sí, gracias"],
    end_chat: "Terminar la conversación",
    help: "Artículos de ayuda",
    question: "¿Respondimos correctamente su pregunta?",
    faces: ["Satisfecho", "Neutral", "Insatisfecho"],
    reason: "¿Qué podríamos haber hecho mejor?",
    thanks: "Gracias por sus comentarios",
    close_conversation: "Cerrar la conversación",
    copy: "Recibir una copia de esta conversación",
    send_copy: "Enviarme una copia",
    copy_sent: "Una copia va en camino a",
    download: "Descargar la transcripción",
    seen: "Visto",
    sound: "Sonido para mensajes nuevos",
    emoji: "Emojis",
    attach: "Adjuntar un archivo",
    your_name: "Su nombre",
    your_email: "Su correo electrónico",
    leave_message: "Dejar el mensaje",
    message_left: "Gracias: le responderemos por correo.",
    waiting: [
        "Esperando a un operador. Usted es el número ",
        " en la fila.",
    ],
    online: "en línea",
    retry: "Reintentar",
};

const PT: Texts = Texts {
    open_chat: "Abrir o chat",
    close_chat: "Fechar o chat",
    send: "Enviar",
    message_label: "Sua mensagem",
    log_label: "Conversa",
    you: "Você",
    sending: "Enviando…",
    status: StatusWords {
        connecting: "Conectando…",
        reconnecting: "A conexão caiu. Reconectando… Suas mensagens serão enviadas.",
        offline:
            "Você está sem conexão. Suas mensagens serão enviadas quando voltar a estar on-line.",
    },
    unread: "respostas não lidas",
    dismiss: "Dispensar",
    restart: "Recomeçar",
    answers: "Respostas",
    typing: "está digitando…",
    talk_to_person: "Falar com uma pessoa",
    helped: ["Isso respondeu à sua pergunta?", "Sim", "Sim, obrigado!"],
    end_chat: "Encerrar a conversa",
    help: "Artigos de ajuda",
    question: "Respondemos corretamente à sua pergunta?",
    faces: ["Satisfeito", "Neutro", "Insatisfeito"],
    reason: "O que poderíamos ter feito melhor?",
    thanks: "Obrigado pela sua avaliação",
    close_conversation: "Fechar a conversa",
    copy: "Receber uma cópia desta conversa",
    send_copy: "Enviar-me uma cópia",
    copy_sent: "Uma cópia está a caminho de",
    download: "Baixar a transcrição",
    seen: "Visto",
    sound: "Som para novas mensagens",
    emoji: "Emojis",
    attach: "Anexar um arquivo",
    retry: "Tentar novamente",
    your_name: "Seu nome",
    your_email: "Seu e-mail",
    leave_message: "Deixar a mensagem",
    message_left: "Obrigado: responderemos por e-mail.",
    waiting: ["Aguardando um atendente. Você é o número ", " na fila."],
    online: "online",
};
